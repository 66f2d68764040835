#ifndef WINNOW_CIMAGECODECS_SHIM_H
#define WINNOW_CIMAGECODECS_SHIM_H
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#endif
