#ifndef WINNOW_CIMAGECODECS_SHIM_H
#define WINNOW_CIMAGECODECS_SHIM_H
/*
 * Winnow's bridge to libjpeg-turbo and libpng.
 *
 * Swift cannot use setjmp/longjmp, and libjpeg's default error manager calls
 * exit() on a corrupt file. The helpers below keep all of that on the C side:
 * every failure is reported as a non-zero return code plus a message in a
 * caller-supplied buffer, never as a process exit.
 *
 * All functions are `static` so the header is self-contained (a system-library
 * target cannot carry .c files); only WinnowTUI (and its tests) call them.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

/* Return codes shared by the decode helpers. */
enum {
    WINNOW_IMAGE_OK = 0,
    WINNOW_IMAGE_CANNOT_OPEN = 1,
    WINNOW_IMAGE_CORRUPT = 2,
    WINNOW_IMAGE_TOO_LARGE = 3,
    WINNOW_IMAGE_OUT_OF_MEMORY = 4,
    WINNOW_IMAGE_UNSUPPORTED = 5
};

struct winnow_jpeg_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char *message;
    size_t message_length;
    int premature_end; /* set when the data ended before the image did */
};

static void winnow_jpeg_error_exit(j_common_ptr cinfo) {
    struct winnow_jpeg_error_manager *manager =
        (struct winnow_jpeg_error_manager *)cinfo->err;
    if (manager->message != NULL && manager->message_length > 0) {
        (*cinfo->err->format_message)(cinfo, manager->message);
    }
    longjmp(manager->escape, 1);
}

/*
 * Warnings are not printed. libjpeg only warns about a truncated file (and
 * fills the rest with grey); we record that so the caller can report it as
 * corrupt. Other warnings (stray bytes between markers, etc.) are harmless.
 */
static void winnow_jpeg_silence(j_common_ptr cinfo, int level) {
    struct winnow_jpeg_error_manager *manager =
        (struct winnow_jpeg_error_manager *)cinfo->err;
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        manager->premature_end = 1;
    }
}

/*
 * Decodes the JPEG at `path` to 8-bit RGB, row-major, no padding.
 * When target_width and target_height are positive, libjpeg decodes at the
 * smallest of 1/8, 1/4, 1/2 or full size that still covers the target, which
 * is far cheaper than decoding a photo at full resolution for a preview.
 * The file's own size is stored in *original_width/height as soon as the
 * header is read. Dimensions (after scaling) larger than max_side or max_pixels are refused
 * before any pixel buffer is allocated. On success *out must be freed with
 * free(). `err` must hold at least JMSG_LENGTH_MAX (200) bytes.
 */
static inline int winnow_decode_jpeg(const char *path, long target_width, long target_height,
                                     long max_side, long long max_pixels,
                                     unsigned char **out, int *width, int *height,
                                     int *original_width, int *original_height,
                                     char *err, size_t errlen) {
    *out = NULL;
    *width = 0;
    *height = 0;
    *original_width = 0;
    *original_height = 0;
    if (errlen > 0) err[0] = '\0';
    FILE *file = fopen(path, "rb");
    if (file == NULL) return WINNOW_IMAGE_CANNOT_OPEN;

    struct jpeg_decompress_struct cinfo;
    struct winnow_jpeg_error_manager manager;
    char message[JMSG_LENGTH_MAX];
    message[0] = '\0';
    cinfo.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = winnow_jpeg_error_exit;
    manager.base.emit_message = winnow_jpeg_silence;
    manager.message = message;
    manager.message_length = sizeof message;
    manager.premature_end = 0;
    /* volatile: modified between setjmp and a possible longjmp. */
    unsigned char *volatile pixels = NULL;
    volatile int code = WINNOW_IMAGE_CORRUPT;

    if (setjmp(manager.escape)) {
        jpeg_destroy_decompress(&cinfo);
        fclose(file);
        free(pixels);
        if (errlen > 0) {
            strncpy(err, message, errlen - 1);
            err[errlen - 1] = '\0';
        }
        return code;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, file);
    jpeg_read_header(&cinfo, TRUE);
    *original_width = (int)cinfo.image_width;
    *original_height = (int)cinfo.image_height;
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        code = WINNOW_IMAGE_UNSUPPORTED;
        snprintf(message, sizeof message, "CMYK JPEG is not supported");
        longjmp(manager.escape, 1);
    }
    cinfo.out_color_space = JCS_RGB;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1;
    if (target_width > 0 && target_height > 0) {
        unsigned int denominator;
        for (denominator = 8; denominator > 1; denominator /= 2) {
            long scaled_w = ((long)cinfo.image_width + denominator - 1) / denominator;
            long scaled_h = ((long)cinfo.image_height + denominator - 1) / denominator;
            if (scaled_w >= target_width && scaled_h >= target_height) break;
        }
        cinfo.scale_denom = denominator;
    }
    jpeg_calc_output_dimensions(&cinfo);
    long w = (long)cinfo.output_width;
    long h = (long)cinfo.output_height;
    if (w <= 0 || h <= 0 || w > max_side || h > max_side ||
        (long long)w * (long long)h > max_pixels) {
        code = WINNOW_IMAGE_TOO_LARGE;
        *width = (int)w;
        *height = (int)h;
        snprintf(message, sizeof message, "%ldx%ld", w, h);
        longjmp(manager.escape, 1);
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        code = WINNOW_IMAGE_UNSUPPORTED;
        snprintf(message, sizeof message, "%d colour components", cinfo.output_components);
        longjmp(manager.escape, 1);
    }
    size_t stride = (size_t)w * 3;
    pixels = (unsigned char *)malloc(stride * (size_t)h);
    if (pixels == NULL) {
        code = WINNOW_IMAGE_OUT_OF_MEMORY;
        snprintf(message, sizeof message, "cannot allocate %ldx%ld pixels", w, h);
        longjmp(manager.escape, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            snprintf(message, sizeof message, "cannot read scanline %u", cinfo.output_scanline);
            longjmp(manager.escape, 1);
        }
    }
    if (manager.premature_end) {
        snprintf(message, sizeof message, "premature end of JPEG data (truncated file)");
        longjmp(manager.escape, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    fclose(file);
    *out = pixels;
    *width = (int)w;
    *height = (int)h;
    return WINNOW_IMAGE_OK;
}

/*
 * Decodes the PNG at `path` to 8-bit RGB with libpng's simplified API (which
 * reports errors through image.message instead of longjmp'ing into us).
 * Transparent pixels are composited onto (bg_r, bg_g, bg_b).
 */
static inline int winnow_decode_png(const char *path, long max_side, long long max_pixels,
                                    unsigned char bg_r, unsigned char bg_g, unsigned char bg_b,
                                    unsigned char **out, int *width, int *height,
                                    char *err, size_t errlen) {
    *out = NULL;
    *width = 0;
    *height = 0;
    if (errlen > 0) err[0] = '\0';
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) return WINNOW_IMAGE_CANNOT_OPEN;
    fclose(probe);

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) {
        if (errlen > 0) snprintf(err, errlen, "%s", image.message);
        png_image_free(&image);
        return WINNOW_IMAGE_CORRUPT;
    }
    long w = (long)image.width;
    long h = (long)image.height;
    if (w <= 0 || h <= 0 || w > max_side || h > max_side ||
        (long long)w * (long long)h > max_pixels) {
        if (errlen > 0) snprintf(err, errlen, "%ldx%ld", w, h);
        png_image_free(&image);
        *width = (int)w;
        *height = (int)h;
        return WINNOW_IMAGE_TOO_LARGE;
    }
    image.format = PNG_FORMAT_RGB;
    size_t size = PNG_IMAGE_SIZE(image);
    unsigned char *pixels = (unsigned char *)malloc(size);
    if (pixels == NULL) {
        if (errlen > 0) snprintf(err, errlen, "cannot allocate %ldx%ld pixels", w, h);
        png_image_free(&image);
        return WINNOW_IMAGE_OUT_OF_MEMORY;
    }
    png_color background;
    background.red = bg_r;
    background.green = bg_g;
    background.blue = bg_b;
    if (!png_image_finish_read(&image, &background, pixels, 0, NULL)) {
        if (errlen > 0) snprintf(err, errlen, "%s", image.message);
        png_image_free(&image);
        free(pixels);
        return WINNOW_IMAGE_CORRUPT;
    }
    png_image_free(&image);
    *out = pixels;
    *width = (int)w;
    *height = (int)h;
    return WINNOW_IMAGE_OK;
}

/* Releases a buffer returned by one of the decode helpers. */
static inline void winnow_free_pixels(unsigned char *pixels) { free(pixels); }

/* Writes 8-bit RGB pixels as a PNG. Used by tests to build fixtures. */
static inline int winnow_encode_png(const char *path, const unsigned char *rgb,
                                    int width, int height) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    int ok = png_image_write_to_file(&image, path, 0, rgb, 0, NULL);
    png_image_free(&image);
    return ok ? WINNOW_IMAGE_OK : WINNOW_IMAGE_CORRUPT;
}

/* Writes 8-bit RGB pixels as a baseline JPEG. Used by tests to build fixtures. */
static inline int winnow_encode_jpeg(const char *path, const unsigned char *rgb,
                                     int width, int height, int quality) {
    FILE *file = fopen(path, "wb");
    if (file == NULL) return WINNOW_IMAGE_CANNOT_OPEN;
    struct jpeg_compress_struct cinfo;
    struct winnow_jpeg_error_manager manager;
    char message[JMSG_LENGTH_MAX];
    cinfo.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = winnow_jpeg_error_exit;
    manager.base.emit_message = winnow_jpeg_silence;
    manager.message = message;
    manager.message_length = sizeof message;
    manager.premature_end = 0;
    if (setjmp(manager.escape)) {
        jpeg_destroy_compress(&cinfo);
        fclose(file);
        return WINNOW_IMAGE_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(file);
    return WINNOW_IMAGE_OK;
}

#endif
