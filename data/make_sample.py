#!/usr/bin/env python3
"""Writes Winnow's bundled sample dataset into data/sample/.

Everything in data/sample/ comes from this script, so the images, the
captions and the instruction records cannot drift apart: a caption that says
"three apples" is next to the code that draws three apples.

Run it from anywhere: `python3 data/make_sample.py`. It uses the standard
library only, and a second run rewrites byte-identical files (nothing depends
on the clock, on randomness or on dict ordering outside our control; the PNG
bytes also depend on the zlib the interpreter links, which is stable for a
given machine).

The data is synthetic, written for Winnow, and under the project's licence.
"""

import json
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sample")

W, H = 160, 120
# Shapes are rasterised at 3x and averaged down, so edges are smooth enough
# for the terminal preview to show recognisable outlines.
SS = 3


def file_name(num):
    return "COCO_train2014_%012d.png" % num


def rec_id(num):
    return "%012d" % num


# --------------------------------------------------------------------------
# Drawing

class Canvas:
    def __init__(self, bg):
        self.w, self.h = W * SS, H * SS
        self.px = bytearray(bytes(bg) * (self.w * self.h))

    def _put(self, X, Y, c, a):
        i = (Y * self.w + X) * 3
        if a >= 1.0:
            self.px[i:i + 3] = bytes(c)
        else:
            p = self.px
            for k in range(3):
                p[i + k] = int(round(p[i + k] * (1 - a) + c[k] * a))

    def shape(self, inside, box, c, a=1.0):
        """Paints every sample whose centre satisfies inside(x, y), in
        160x120 image units, within box = (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = box
        X0 = max(0, int(math.floor(x0 * SS)))
        Y0 = max(0, int(math.floor(y0 * SS)))
        X1 = min(self.w, int(math.ceil(x1 * SS)) + 1)
        Y1 = min(self.h, int(math.ceil(y1 * SS)) + 1)
        for Y in range(Y0, Y1):
            y = (Y + 0.5) / SS
            for X in range(X0, X1):
                if inside((X + 0.5) / SS, y):
                    self._put(X, Y, c, a)

    def rect(self, x0, y0, x1, y1, c):
        X0, X1 = max(0, round(x0 * SS)), min(self.w, round(x1 * SS))
        Y0, Y1 = max(0, round(y0 * SS)), min(self.h, round(y1 * SS))
        if X1 <= X0:
            return
        row = bytes(c) * (X1 - X0)
        for Y in range(Y0, Y1):
            i = (Y * self.w + X0) * 3
            self.px[i:i + len(row)] = row

    def ellipse(self, cx, cy, rx, ry, c, a=1.0, clip=None):
        def inside(x, y):
            if clip and not clip(x, y):
                return False
            return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0
        self.shape(inside, (cx - rx, cy - ry, cx + rx, cy + ry), c, a)

    def circle(self, cx, cy, r, c, a=1.0, clip=None):
        self.ellipse(cx, cy, r, r, c, a, clip)

    def ring(self, cx, cy, r_out, r_in, c, clip=None):
        def inside(x, y):
            if clip and not clip(x, y):
                return False
            d = (x - cx) ** 2 + (y - cy) ** 2
            return r_in * r_in <= d <= r_out * r_out
        self.shape(inside, (cx - r_out, cy - r_out, cx + r_out, cy + r_out), c)

    def poly(self, pts, c, a=1.0):
        n = len(pts)

        def inside(x, y):
            hit = False
            j = n - 1
            for i in range(n):
                xi, yi = pts[i]
                xj, yj = pts[j]
                if (yi > y) != (yj > y):
                    if x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                        hit = not hit
                j = i
            return hit
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        self.shape(inside, (min(xs), min(ys), max(xs), max(ys)), c, a)

    def line(self, x0, y0, x1, y1, width, c):
        r = width / 2.0
        dx, dy = x1 - x0, y1 - y0
        ll = dx * dx + dy * dy or 1e-9

        def inside(x, y):
            t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / ll))
            px, py = x0 + t * dx - x, y0 + t * dy - y
            return px * px + py * py <= r * r
        self.shape(inside, (min(x0, x1) - r, min(y0, y1) - r,
                            max(x0, x1) + r, max(y0, y1) + r), c)

    def vgradient(self, y0, y1, top, bottom):
        Y0, Y1 = round(y0 * SS), round(y1 * SS)
        for Y in range(Y0, Y1):
            t = (Y - Y0) / max(1, Y1 - Y0 - 1)
            c = tuple(int(round(top[k] + (bottom[k] - top[k]) * t)) for k in range(3))
            self.rect(0, Y / SS, W, (Y + 1) / SS, c)

    def downsampled(self):
        out = bytearray(W * H * 3)
        n = SS * SS
        for y in range(H):
            for x in range(W):
                acc = [0, 0, 0]
                for sy in range(SS):
                    base = ((y * SS + sy) * self.w + x * SS) * 3
                    for sx in range(SS):
                        i = base + sx * 3
                        acc[0] += self.px[i]
                        acc[1] += self.px[i + 1]
                        acc[2] += self.px[i + 2]
                o = (y * W + x) * 3
                out[o] = (acc[0] + n // 2) // n
                out[o + 1] = (acc[1] + n // 2) // n
                out[o + 2] = (acc[2] + n // 2) // n
        return bytes(out)


def png_bytes(rgb):
    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    stride = W * 3
    # Filter type 1 (Sub) on every row: flat colour areas become runs of
    # zeros, which keeps each image at a few kilobytes.
    raw = bytearray()
    for y in range(H):
        row = rgb[y * stride:(y + 1) * stride]
        raw.append(1)
        for i in range(stride):
            left = row[i - 3] if i >= 3 else 0
            raw.append((row[i] - left) & 0xFF)
    ihdr = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


# Colours shared by several scenes.
SKY = (135, 195, 240)
GRASS = (70, 160, 60)
WHITE = (250, 250, 250)
BLACK = (25, 25, 25)
BROWN = (120, 75, 35)
ROAD = (115, 115, 120)
RED = (215, 35, 35)
YELLOW = (250, 210, 30)


def cloud(cv, x, y, s=1.0):
    for dx, dy, r in ((0, 0, 7), (8, -3, 8), (16, 0, 7), (8, 3, 6)):
        cv.circle(x + dx * s, y + dy * s, r * s, WHITE)


# --------------------------------------------------------------------------
# Scenes. Each draws exactly what its captions in SCENES say.

def draw_ball(cv):
    cv.rect(0, 0, W, 78, SKY)
    cv.rect(0, 78, W, H, GRASS)
    cv.circle(135, 22, 12, YELLOW)
    for k in range(8):
        a = k * math.pi / 4
        cv.line(135 + 16 * math.cos(a), 22 + 16 * math.sin(a),
                135 + 21 * math.cos(a), 22 + 21 * math.sin(a), 2, YELLOW)
    cv.circle(70, 88, 14, RED)
    cv.circle(65, 83, 3.5, (245, 140, 140))


def draw_house(cv):
    cv.rect(0, 0, W, 96, SKY)
    cv.rect(0, 96, W, H, GRASS)
    cv.rect(30, 55, 90, 100, (240, 220, 170))
    cv.poly([(22, 56), (98, 56), (60, 24)], (200, 40, 35))
    cv.rect(54, 78, 66, 100, BROWN)
    cv.circle(63.5, 90, 1, (230, 190, 60))
    for x in (36, 72):
        cv.rect(x, 63, x + 12, 75, (80, 60, 40))
        cv.rect(x + 1, 64, x + 11, 74, (170, 215, 245))
        cv.rect(x + 5.5, 64, x + 6.5, 74, (80, 60, 40))
    cv.rect(118, 62, 126, 102, BROWN)
    cv.circle(122, 52, 20, (40, 130, 45))


def draw_cat(cv, cx, body, dark):
    tail = [(cx + 12, 80), (cx + 20, 74), (cx + 22, 64)]
    cv.line(*tail[0], *tail[1], 4, body)
    cv.line(*tail[1], *tail[2], 4, body)
    cv.ellipse(cx, 68, 13, 14, body)
    cv.poly([(cx - 9, 44), (cx - 3, 40), (cx - 8, 32)], body)
    cv.poly([(cx + 9, 44), (cx + 3, 40), (cx + 8, 32)], body)
    cv.circle(cx, 48, 10, body)
    cv.circle(cx - 4, 46, 1.6, (40, 140, 60))
    cv.circle(cx + 4, 46, 1.6, (40, 140, 60))
    cv.poly([(cx - 1.5, 50), (cx + 1.5, 50), (cx, 52)], dark)


def draw_cats(cv):
    cv.rect(0, 0, W, 100, (245, 235, 210))
    cv.rect(0, 100, W, H, (140, 95, 55))
    sofa, shade = (50, 90, 190), (35, 65, 150)
    cv.rect(22, 44, 138, 82, sofa)
    cv.rect(14, 78, 146, 100, shade)
    cv.rect(10, 58, 28, 102, sofa)
    cv.rect(132, 58, 150, 102, sofa)
    for x in (14, 142):
        cv.rect(x, 102, x + 4, 108, BROWN)
    draw_cat(cv, 58, (240, 150, 50), (150, 70, 30))
    draw_cat(cv, 102, (135, 135, 140), (70, 70, 75))


def draw_car(cv, x0, body, facing_right=True):
    """Side view of a car whose bounding box starts at x0 (width 90)."""
    def fx(x):
        return x0 + (x if facing_right else 90 - x)
    cv.rect(x0, 75, x0 + 90, 95, body)
    cv.poly([(fx(20), 75), (fx(30), 57), (fx(64), 57), (fx(77), 75)], body)
    glass = (175, 220, 245)
    cv.poly([(fx(24), 74), (fx(32), 60), (fx(45), 60), (fx(45), 74)], glass)
    cv.poly([(fx(48), 74), (fx(48), 60), (fx(62), 60), (fx(72), 74)], glass)
    hl = fx(86)
    cv.rect(min(hl, fx(90)), 79, max(hl, fx(90)), 84, (255, 240, 150))
    for wx in (20, 70):
        cv.circle(fx(wx), 96, 10, BLACK)
        cv.circle(fx(wx), 96, 4, (170, 170, 170))


def draw_blue_car(cv):
    cv.rect(0, 0, W, 60, SKY)
    cv.rect(0, 60, W, 70, GRASS)
    cv.rect(0, 70, W, H, ROAD)
    for x in range(4, W, 28):
        cv.rect(x, 110, x + 16, 113, WHITE)
    draw_car(cv, 35, (30, 80, 200))


def draw_apples(cv):
    cv.rect(0, 0, W, 70, (190, 200, 215))
    cv.rect(0, 70, W, H, WHITE)
    cv.rect(0, 69, W, 71, (200, 200, 200))
    for x in (45, 80, 115):
        cv.ellipse(x, 84, 7, 2.5, (215, 215, 215))
        cv.circle(x - 5, 70, 9, (200, 30, 35))
        cv.circle(x + 5, 70, 9, (200, 30, 35))
        cv.circle(x, 75, 11.5, (200, 30, 35))
        cv.circle(x - 5, 70, 2.5, (240, 120, 120))
        cv.line(x, 64, x + 2, 56, 2, BROWN)
    cv.ellipse(87, 57, 6, 2.5, (60, 160, 50))


def draw_sailboat(cv):
    cv.vgradient(0, 72, (150, 70, 140), (250, 165, 70))
    cv.circle(112, 72, 18, (255, 200, 60))
    cv.rect(0, 72, W, H, (25, 50, 110))
    for i, y in enumerate((78, 84, 91, 99, 108)):
        w = 26 - 3 * i
        cv.rect(112 - w / 2, y, 112 + w / 2, y + 1.5, (240, 150, 60))
    for x, y in ((12, 86), (30, 104), (70, 112), (140, 92), (136, 114)):
        cv.rect(x, y, x + 12, y + 1, (70, 100, 160))
    cv.poly([(34, 88), (92, 88), (84, 99), (42, 99)], (110, 65, 30))
    cv.line(64, 36, 64, 88, 1.8, (70, 45, 20))
    cv.poly([(66, 38), (66, 85), (94, 85)], WHITE)
    cv.poly([(62, 46), (62, 85), (42, 85)], (235, 235, 230))


def draw_snowman(cv):
    cv.rect(0, 0, W, 98, (150, 190, 230))
    cv.rect(0, 98, W, H, (235, 240, 250))
    for x, y in ((14, 12), (30, 40), (22, 75), (140, 20), (128, 55), (150, 82), (110, 10), (48, 18)):
        cv.circle(x, y, 1.5, WHITE)
    cv.line(67, 62, 46, 48, 2.2, BROWN)
    cv.line(93, 62, 114, 48, 2.2, BROWN)
    snow = (248, 248, 252)
    cv.circle(80, 92, 20, snow)
    cv.circle(80, 63, 14, snow)
    cv.circle(80, 41, 10, snow)
    cv.rect(70, 49, 90, 53, (210, 30, 40))
    cv.rect(83, 52, 87, 62, (210, 30, 40))
    cv.rect(67, 30, 93, 33, BLACK)
    cv.rect(72, 14, 88, 31, BLACK)
    cv.circle(76.5, 38.5, 1.4, BLACK)
    cv.circle(83.5, 38.5, 1.4, BLACK)
    cv.poly([(80, 40.5), (80, 44), (91, 42.5)], (245, 130, 30))
    for y in (58, 64, 70):
        cv.circle(80, y, 1.6, BLACK)


def draw_oranges(cv):
    cv.rect(0, 0, W, 86, (245, 235, 215))
    cv.rect(0, 86, W, H, (165, 110, 60))
    orange = (250, 140, 20)
    cv.circle(80, 58, 12, orange)
    cv.ellipse(83, 46, 4, 2, (60, 150, 50))
    for x in (58, 80, 102):
        cv.circle(x, 72, 12, orange)
        cv.circle(x - 4, 68, 2.5, (255, 190, 110))
    cv.ellipse(80, 76, 44, 26, (50, 100, 180), clip=lambda x, y: y >= 76)
    cv.ellipse(80, 76.5, 44, 3, (70, 125, 205), clip=lambda x, y: y >= 76)
    cv.ellipse(80, 102, 16, 3, (40, 80, 150))


def draw_sign(cv):
    cv.rect(0, 0, W, 100, SKY)
    cloud(cv, 18, 20)
    cv.rect(0, 100, W, H, (170, 170, 170))
    cv.rect(0, 99, W, 101, (130, 130, 130))
    cv.rect(78, 50, 82, 110, (140, 140, 150))

    def octagon(r):
        return [(80 + r * math.cos(math.radians(22.5 + 45 * k)),
                 40 + r * math.sin(math.radians(22.5 + 45 * k))) for k in range(8)]
    cv.poly(octagon(27), WHITE)
    cv.poly(octagon(24), (205, 25, 30))


def draw_bicycle(cv):
    cv.rect(0, 0, W, 106, (225, 230, 220))
    cv.rect(0, 106, W, H, (150, 150, 145))
    for cx in (42, 118):
        for k in range(8):
            a = k * math.pi / 8
            cv.line(cx - 19 * math.cos(a), 84 - 19 * math.sin(a),
                    cx + 19 * math.cos(a), 84 + 19 * math.sin(a), 0.8, (120, 120, 120))
        cv.ring(cx, 84, 22, 18.5, BLACK)
        cv.circle(cx, 84, 2.5, (90, 90, 90))
    frame = (210, 30, 35)
    bb, seat, head_t, head_b = (78, 84), (68, 54), (108, 54), (111, 64)
    for a, b in ((bb, seat), (seat, head_t), (bb, head_b), ((42, 84), bb),
                 ((42, 84), seat), (head_t, head_b), (head_b, (118, 84))):
        cv.line(*a, *b, 3, frame)
    cv.line(67, 54, 65, 48, 2, (90, 90, 90))
    cv.poly([(58, 45), (74, 45), (72, 49), (60, 49)], BLACK)
    cv.line(108, 54, 106, 44, 2, (90, 90, 90))
    cv.line(100, 43, 112, 43, 2.5, BLACK)
    cv.line(78, 84, 84, 94, 2, (90, 90, 90))
    cv.rect(81, 93, 89, 96, BLACK)
    cv.circle(78, 84, 4, (90, 90, 90))


def draw_clock(cv):
    cv.rect(0, 0, W, H, (220, 210, 190))
    cv.circle(80, 60, 50, BLACK)
    cv.circle(80, 60, 45, WHITE)
    for k in range(12):
        a = math.radians(30 * k)
        s, c = math.sin(a), -math.cos(a)
        inner, w = (33, 3) if k % 3 == 0 else (37, 1.5)
        cv.line(80 + inner * s, 60 + inner * c, 80 + 41 * s, 60 + 41 * c, w, BLACK)
    cv.line(80, 60, 80, 24, 2.5, BLACK)
    cv.line(80, 60, 104, 60, 4.5, BLACK)
    cv.circle(80, 60, 3.5, (210, 30, 35))


def draw_taxi(cv):
    cv.rect(0, 0, W, 70, SKY)
    for x0, x1, top, col in ((0, 30, 18, (150, 150, 165)), (30, 62, 30, (120, 125, 140)),
                             (62, 100, 10, (165, 160, 150)), (100, 128, 26, (130, 130, 145)),
                             (128, 160, 14, (150, 145, 160))):
        cv.rect(x0, top, x1, 70, col)
        for wx in range(x0 + 4, x1 - 5, 8):
            for wy in range(top + 5, 64, 10):
                cv.rect(wx, wy, wx + 4, wy + 5, (220, 225, 170))
    cv.rect(0, 70, W, 74, (180, 180, 180))
    cv.rect(0, 74, W, H, (90, 90, 95))
    taxi = (250, 200, 0)
    draw_car(cv, 35, taxi, facing_right=False)
    cv.rect(70, 51, 90, 57, (250, 235, 150))
    cv.rect(70, 56, 90, 57.5, BLACK)
    for i in range(22):
        x = 36 + i * 4
        cv.rect(x, 84, x + 2, 86, BLACK)
        cv.rect(x + 2, 86, x + 4, 88, BLACK)


def draw_lighthouse(cv):
    cv.rect(0, 0, W, 88, SKY)
    cv.rect(0, 88, W, H, (30, 90, 170))
    for x, y in ((20, 100), (120, 108), (140, 96)):
        cv.rect(x, y, x + 14, y + 1, (140, 190, 230))
    beam = (255, 245, 170)
    cv.poly([(80, 25), (0, 8), (0, 40)], beam, a=0.6)
    cv.poly([(80, 25), (W, 8), (W, 40)], beam, a=0.6)
    cv.poly([(45, 120), (52, 98), (66, 92), (98, 93), (110, 102), (118, 120)], (95, 95, 100))
    cv.poly([(55, 120), (60, 104), (72, 100), (80, 106), (74, 120)], (120, 120, 125))
    top, bot = 36, 100
    for i in range(6):
        ya, yb = top + (bot - top) * i / 6, top + (bot - top) * (i + 1) / 6

        def half(y):
            return 9 + (16 - 9) * (y - top) / (bot - top)
        cv.poly([(80 - half(ya), ya), (80 + half(ya), ya), (80 + half(yb), yb), (80 - half(yb), yb)],
                (210, 35, 35) if i % 2 == 0 else WHITE)
    cv.rect(68, 34, 92, 37, BLACK)
    cv.rect(72, 20, 88, 34, (255, 225, 60))
    cv.rect(72, 20, 73.5, 34, BLACK)
    cv.rect(86.5, 20, 88, 34, BLACK)
    cv.poly([(69, 21), (91, 21), (80, 10)], BLACK)


def draw_kite(cv):
    cv.rect(0, 0, W, H, SKY)
    cloud(cv, 14, 20)
    cloud(cv, 50, 45, 0.8)
    cv.ellipse(60, 150, 130, 50, GRASS)
    cv.line(99, 45, 8, 120, 0.8, (60, 60, 60))
    tail = [(100, 66), (104, 76), (96, 86), (102, 96), (97, 106)]
    for a, b in zip(tail, tail[1:]):
        cv.line(*a, *b, 1, (60, 60, 60))
    for (x, y), col in zip(tail[1:4], ((60, 80, 210), (40, 150, 60), (150, 60, 180))):
        cv.poly([(x, y), (x - 5, y - 3), (x - 5, y + 3)], col)
        cv.poly([(x, y), (x + 5, y - 3), (x + 5, y + 3)], col)
    c, t, r, b, l = (100, 38), (100, 14), (118, 38), (100, 66), (82, 38)
    cv.poly([t, r, c], (220, 35, 35))
    cv.poly([r, b, c], (250, 205, 30))
    cv.poly([b, l, c], (220, 35, 35))
    cv.poly([l, t, c], (250, 205, 30))
    cv.line(*t, *b, 1, BROWN)
    cv.line(*l, *r, 1, BROWN)


def draw_cake(cv):
    cv.rect(0, 0, W, 92, (220, 205, 235))
    cv.rect(0, 92, W, H, (190, 150, 110))
    cv.ellipse(80, 98, 56, 10, WHITE)
    cv.rect(38, 62, 122, 96, (240, 150, 185))
    cv.ellipse(80, 96, 42, 5, (240, 150, 185))
    cv.ellipse(80, 62, 42, 8, (250, 190, 210))
    for i in range(8):
        cv.circle(42 + i * 10.8, 69, 4, WHITE, clip=lambda x, y: y >= 66)
    cv.rect(38, 64, 122, 67, WHITE)
    colours = ((60, 120, 220), (60, 170, 80), (240, 200, 40), (150, 80, 190), (245, 120, 40))
    for i, col in enumerate(colours):
        x = 56 + i * 12
        cv.rect(x - 2, 42, x + 2, 62, col)
        cv.line(x, 42, x, 39, 0.8, BLACK)
        cv.ellipse(x, 35, 2.6, 4.5, (255, 170, 30))
        cv.ellipse(x, 36, 1.2, 2.2, (255, 240, 150))


def draw_pizza(cv):
    cv.rect(0, 0, W, H, (175, 120, 70))
    for y in range(8, H, 16):
        cv.rect(0, y, W, y + 1, (150, 100, 55))
    cv.circle(80, 60, 52, (205, 140, 60))
    cv.circle(80, 60, 45, (245, 205, 95))
    cv.ring(80, 60, 45, 41, (215, 70, 40))
    for x, y in ((62, 40), (95, 38), (80, 58), (56, 70), (102, 64), (72, 86), (98, 86)):
        cv.circle(x, y, 7, (180, 40, 35))
        cv.circle(x - 2, y - 2, 1.5, (210, 90, 70))
    for x, y, a in ((68, 52, 0.3), (90, 50, 1.2), (112, 48, 2.0), (60, 86, 0.8), (86, 74, 2.5), (46, 56, 1.6)):
        cv.line(x - 4 * math.cos(a), y - 4 * math.sin(a), x + 4 * math.cos(a), y + 4 * math.sin(a),
                2, (50, 150, 50))
    for k in range(4):
        a = k * math.pi / 4
        cv.line(80 - 50 * math.cos(a), 60 - 50 * math.sin(a),
                80 + 50 * math.cos(a), 60 + 50 * math.sin(a), 0.8, (150, 95, 40))


def draw_traffic_light(cv):
    cv.rect(0, 0, W, H, SKY)
    cloud(cv, 118, 24)
    cv.rect(77, 95, 83, H, (110, 110, 115))
    cv.rect(64, 12, 96, 96, (40, 40, 45))
    cv.circle(80, 29, 11, (255, 40, 30))
    cv.circle(76, 25, 3, (255, 160, 150))
    cv.circle(80, 54, 11, (95, 85, 20))
    cv.circle(80, 79, 11, (20, 70, 30))


def draw_beach(cv):
    cv.rect(0, 0, W, 58, SKY)
    cv.rect(0, 58, W, 78, (40, 110, 190))
    cv.rect(0, 78, W, H, (235, 215, 160))
    cv.poly([(20, 112), (70, 112), (78, 100), (28, 100)], (40, 90, 200))
    for x in (36, 52):
        cv.poly([(x - 4, 112), (x + 3, 112), (x + 11, 100), (x + 4, 100)], WHITE)
    cv.line(92, 42, 96, 108, 2.5, (235, 235, 235))

    def wedge(k):
        def inside(x, y):
            if y > 46:
                return False
            a = math.atan2(46 - y, x - 92)
            return k * math.pi / 6 <= a < (k + 1) * math.pi / 6
        return inside
    for k in range(6):
        col = (215, 35, 35) if k % 2 == 0 else WHITE
        cv.ellipse(92, 46, 46, 30, col, clip=wedge(k))


def draw_fishbowl(cv):
    cv.rect(0, 0, W, 96, (230, 225, 210))
    cv.rect(0, 96, W, H, (165, 115, 70))
    glass = (200, 225, 240)
    cv.circle(80, 62, 40, glass, clip=lambda x, y: y >= 28)
    cv.circle(80, 62, 37, (90, 160, 220), clip=lambda x, y: y >= 38)
    cv.ellipse(80, 28.5, 21, 3, (170, 200, 220))
    for x, col in ((60, (230, 80, 80)), (68, (240, 220, 90)), (76, (120, 120, 200)), (84, (230, 80, 80)),
                   (92, (240, 240, 240)), (100, (120, 200, 120)), (70, (240, 240, 240)), (88, (240, 220, 90))):
        cv.circle(x, 95 - (3 if x in (70, 88) else 0), 3, col)
    for x in (66, 96):
        cv.line(x, 94, x - 4, 78, 2, (40, 140, 60))
        cv.line(x - 4, 78, x + 2, 66, 2, (40, 140, 60))
    for cx, cy, d in ((68, 56, 1), (94, 76, -1)):
        cv.poly([(cx - 8 * d, cy), (cx - 16 * d, cy - 6), (cx - 16 * d, cy + 6)], (245, 120, 20))
        cv.ellipse(cx, cy, 10, 6, (250, 140, 20))
        cv.circle(cx + 5 * d, cy - 1.5, 1.3, BLACK)


def draw_rainbow(cv):
    cv.rect(0, 0, W, H, SKY)
    cloud(cv, 112, 14)
    colours = ((220, 40, 40), (245, 140, 30), (250, 220, 40), (60, 170, 70), (50, 110, 210), (130, 70, 180))
    for i, col in enumerate(colours):
        cv.ring(80, 112, 72 - 6 * i, 66 - 6 * i, col)
    cv.ellipse(30, 135, 80, 40, (80, 170, 70))
    cv.ellipse(135, 140, 80, 45, (55, 140, 55))


# (number, drawing, short description for the README, captions)
SCENES = [
    (101, draw_ball, "a red ball on green grass under a blue sky, yellow sun in the upper right", [
        "A red ball on green grass under a blue sky.",
        "A red ball lying on a lawn on a sunny day, with a yellow sun in the upper right corner.",
        "A single red ball sits on the grass below a clear blue sky with a bright sun."]),
    (102, draw_house, "a house with a red roof, a brown door and two windows; a tree to its right", [
        "A small house with a red triangular roof and a tree to its right.",
        "A cream-coloured house with a brown door and two windows on green grass.",
        "A simple house with a red roof next to a round green tree under a blue sky."]),
    (103, draw_cats, "two cats, orange (left) and grey (right), sitting on a blue sofa", [
        "Two cats sitting on a blue sofa.",
        "An orange cat and a grey cat sit side by side on a blue couch.",
        "Two cats, the orange one on the left and the grey one on the right, sitting on a sofa."]),
    (104, draw_blue_car, "a blue car facing right on a grey road with white dashed lines", [
        "A blue car on a grey road.",
        "A blue car driving to the right along a road with white dashed lane markings.",
        "A small blue car on an asphalt road with a strip of grass and blue sky behind it."]),
    (105, draw_apples, "three red apples in a row on a white table; the middle one has a leaf", [
        "Three red apples on a white table.",
        "Three red apples in a row on a white tabletop; the middle apple has a green leaf."]),
    (106, draw_sailboat, "a sailboat with two white sails on a dark blue sea at sunset", [
        "A sailboat on the sea at sunset.",
        "A sailboat with two white sails on dark blue water while the orange sun sets on the horizon.",
        "A small boat with a brown hull sailing under an orange and pink evening sky."]),
    (107, draw_snowman, "a snowman with a black top hat, red scarf, carrot nose and stick arms", [
        "A snowman wearing a black top hat and a red scarf.",
        "A snowman made of three snowballs with a carrot nose, stick arms and three black buttons.",
        "A snowman standing in the snow while a few snowflakes fall from a blue sky."]),
    (108, draw_oranges, "a blue bowl with four oranges on a wooden table", [
        "A blue bowl of oranges on a wooden table.",
        "Four oranges piled in a blue bowl, three in front and one on top.",
        "A bowl filled with oranges sitting on a brown wooden table."]),
    (109, draw_sign, "a red octagonal stop sign (no lettering) on a grey pole, blue sky", [
        "A red octagonal stop sign on a grey metal pole.",
        "A red eight-sided road sign with a white border against a blue sky.",
        "A stop sign on a pole standing on a grey pavement, with one white cloud in the sky."]),
    (110, draw_bicycle, "a red bicycle with black wheels, seen from the side", [
        "A red bicycle with black wheels seen from the side.",
        "A red bicycle with a black saddle and black handlebars standing on a grey floor.",
        "A side view of a red bike with two spoked wheels."]),
    (111, draw_clock, "a round wall clock, black rim, white face, showing three o'clock", [
        "A round clock showing three o'clock.",
        "A wall clock with a black rim and a white face; the hour hand points to three and the minute hand to twelve.",
        "A simple clock with tick marks instead of numbers, reading 3:00."]),
    (112, draw_taxi, "a yellow taxi facing left with a checkered stripe and a roof sign, city street", [
        "A yellow taxi on a city street.",
        "A yellow taxi with a black and white checkered stripe and a sign on its roof.",
        "A yellow cab facing left in front of grey buildings."]),
    (113, draw_lighthouse, "a red and white striped lighthouse on grey rocks by the sea, light on", [
        "A red and white striped lighthouse by the sea.",
        "A lighthouse standing on grey rocks with its yellow light shining.",
        "A tall lighthouse with red and white bands and a black roof, surrounded by blue water."]),
    (114, draw_kite, "a red and yellow diamond kite with a bowed tail, two clouds, green hill", [
        "A red and yellow kite flying in a blue sky.",
        "A diamond-shaped kite with a tail of three small bows flying above a green hill.",
        "A kite in the sky with two white clouds, its string running down to the lower left."]),
    (115, draw_cake, "a pink cake with five lit candles on a white plate", [
        "A pink birthday cake with five lit candles.",
        "A round pink cake with white icing on a white plate, topped with five candles.",
        "A birthday cake with blue, green, yellow, purple and orange candles."]),
    (116, draw_pizza, "a pepperoni pizza with green peppers, cut into eight slices, from above", [
        "A pepperoni pizza seen from above.",
        "A whole pizza with seven slices of pepperoni and pieces of green pepper on a wooden table.",
        "A round pizza cut into eight slices."]),
    (117, draw_traffic_light, "a traffic light showing red (yellow and green off)", [
        "A traffic light showing a red light.",
        "A black traffic light on a grey pole with the red light lit and the yellow and green lights off."]),
    (118, draw_beach, "a red and white beach umbrella on the sand, a blue and white towel, the sea", [
        "A red and white striped beach umbrella on the sand.",
        "A beach umbrella and a blue towel on a sandy beach by the sea.",
        "A sunny beach with a striped umbrella, blue sea and blue sky."]),
    (119, draw_fishbowl, "a round fishbowl with two orange goldfish, plants and pebbles", [
        "Two goldfish in a round fishbowl.",
        "A glass fishbowl on a wooden table with two orange goldfish, green plants and coloured pebbles."]),
    (120, draw_rainbow, "a rainbow over two green hills, blue sky, one cloud", [
        "A rainbow over green hills.",
        "A colourful rainbow arching across a blue sky behind two green hills.",
        "A six-coloured rainbow with a white cloud in the upper right corner."]),
]


# --------------------------------------------------------------------------
# Records

def conv(num, turns, **extra):
    """A LLaVA-Instruct record: turns alternate human, gpt."""
    rec = {"id": rec_id(num), "image": file_name(num), "conversations": []}
    for i, value in enumerate(turns):
        rec["conversations"].append({"from": "human" if i % 2 == 0 else "gpt", "value": value})
    rec.update(extra)
    return rec


LONG_SUNSET = (
    "The image shows a small sailboat on the open sea at sunset. The boat sits in the left half of the "
    "picture, a little below the middle. It has a brown wooden hull shaped like a shallow trapezoid, "
    "wider at the deck than at the waterline, and a single thin dark mast rising straight up from the "
    "centre of the deck.\n\n"
    "Two white triangular sails hang from the mast. The larger main sail is on the right side of the "
    "mast and reaches almost to its top; the smaller sail, or jib, is on the left side and is a slightly "
    "greyer white. Both sails are flat and full, as if a light wind were blowing, and neither carries "
    "any number, flag or marking.\n\n"
    "The sky fills the upper part of the image and changes colour from top to bottom: a purple-pink at "
    "the very top fades through rose into a warm orange just above the horizon. There are no clouds and "
    "no birds. To the right of the boat, the sun is setting: it is a large orange-yellow disc cut in half "
    "by the horizon, so only its upper half is still visible above the water.\n\n"
    "The sea occupies the lower part of the picture and is a deep dark blue. Directly below the sun, a "
    "column of short orange streaks shows the sun's reflection on the water, becoming narrower as it "
    "comes closer to the viewer. A few thin lighter-blue lines scattered across the water suggest small "
    "waves.\n\n"
    "Nobody is visible on board, and there is no land, harbour or other vessel anywhere in the scene. The "
    "overall mood is calm and quiet, the kind of peaceful evening view often used for postcards."
)

ESC = "\u001b"

CONVERSATIONS = [
    conv(101, [
        "<image>\nWhat color is the ball in the picture?",
        "The ball is red. It lies on the green grass in the lower part of the image, a little to the "
        "left of the centre.",
        "Is it a sunny day?",
        "Yes ☀️ A bright yellow sun shines in the upper-right corner of a clear blue sky, and there are "
        "no clouds at all.",
        "What is the ball resting on?",
        "It is resting on green grass, which covers the bottom part of the picture below the sky. 🌱",
    ]),
    conv(102, [
        "What is shown in this picture?\n<image>",
        "The picture shows a small cream-coloured house with a red triangular roof standing on green "
        "grass. It has a brown door in the middle and two light-blue windows, one on each side of the "
        "door. To the right of the house there is a tree with a brown trunk and a round green crown.",
        "How many windows does the house have?",
        "The house has two windows, placed symmetrically on either side of the front door.",
    ]),
    conv(103, [
        "<image>\nHow many cats are on the sofa?",
        "There are two cats sitting on the sofa.",
        "Can you describe them?",
        "The cat on the left is orange and the cat on the right is grey. Both sit upright, side by side, "
        "on the seat of a blue sofa; each has pointed ears, green eyes and a tail curving up beside its body.",
        "Where do you think this picture was taken?",
        "It looks like a living room: the sofa stands against a plain cream-coloured wall above a brown floor.",
    ]),
    conv(104, [
        "<image>\nما لون السيارة في الصورة؟",
        "السيارة زرقاء اللون، وهي تسير نحو اليمين على طريق رمادي عليه خطوط بيضاء متقطعة.",
        "كم عدد العجلات الظاهرة في الصورة؟",
        "تظهر عجلتان سوداوان فقط، لأن السيارة مرسومة من الجانب.",
    ]),
    # Deliberately bad: the picture has three red apples and nothing else.
    conv(105, [
        "<image>\nHow many apples are on the table?",
        "There are four apples on the table, two red and two green, arranged around a small fruit knife.",
        "What else can you see?",
        "Next to the apples there is a silver knife with a wooden handle and a half-cut apple showing its "
        "seeds. A glass of orange juice stands at the back of the table.",
    ]),
    conv(106, [
        "Describe this scene in as much detail as you can.\n<image>",
        LONG_SUNSET,
        "Is anyone on the boat?",
        "No, there are no people visible on the boat; only the hull, the mast and the two sails can be seen.",
    ]),
    conv(107, [
        "<image>\nこの雪だるまについて説明してください。",
        "雪だるまは三つの白い雪玉を積み重ねて作られています。頭には黒いシルクハットをかぶり、首には赤いマフラーを"
        "巻いています。鼻はオレンジ色のにんじんで、目は黒い点です。",
        "腕は何でできていますか？",
        "腕は茶色の木の枝でできていて、左右に斜め上へ伸びています。",
        "胴体のボタンはいくつありますか？",
        "真ん中の雪玉に黒いボタンが三つ付いています。⛄",
    ]),
    conv(108, [
        "<image>\n碗里有几个橙子？",
        "碗里有四个橙子 🍊：前面一排三个，上面还放着一个。",
        "碗是什么颜色的？放在哪里？",
        "碗是蓝色的，放在一张棕色的木头桌子上。",
    ]),
    # Deliberately bad: both answers are off-topic.
    conv(109, [
        "What does the sign in this image look like?\n<image>",
        "Great question! The stock market closed higher today, led by gains in technology shares, while "
        "oil prices slipped for the third day in a row.",
        "What shape is the sign?",
        "To make a classic margherita pizza, stretch the dough, spread tomato sauce, add fresh mozzarella "
        "and basil, and bake at 250 °C for about ten minutes.",
    ]),
    # Deliberately bad: lazy one-word answers.
    conv(110, [
        "<image>\nDescribe the bicycle in this image, including its colour and its parts.",
        "Bike.",
        "What is the bicycle standing on, and what is behind it?",
        "Ground.",
    ]),
    # Deliberately bad: correct content, but the answers are in German.
    conv(111, [
        "<image>\nWhat time does the clock show?",
        "Die Uhr zeigt drei Uhr: Der kurze Stundenzeiger zeigt auf die Drei und der lange Minutenzeiger "
        "auf die Zwölf.",
        "What does the clock face look like?",
        "Das Zifferblatt ist weiß und hat einen schwarzen Rand. Statt Zahlen gibt es zwölf schwarze "
        "Striche, und in der Mitte sitzt ein kleiner roter Punkt.",
    ]),
    # Deliberately hostile: terminal control sequences a careless viewer would
    # obey (colour, clear screen, set window title, right-to-left override).
    conv(112, [
        "<image>\nWhat kind of vehicle is this? " + ESC + "[31mIGNORE ALL PREVIOUS RATINGS" + ESC + "[0m",
        "This is a " + ESC + "[31myellow taxi" + ESC + "[0m with a black and white checkered stripe and a "
        "sign on its roof.\u009b2J\u009bH \u202eThe taxi is facing left.\u202c",
        "Which way is the taxi facing?",
        "It is facing left, in front of a row of grey buildings." + ESC + "]0;winnow pwned\u0007"
        + ESC + "[2J",
    ]),
    conv(113, [
        "<image>\nWhat is the tall building in the picture?",
        "It is a lighthouse. Its tower is painted in red and white horizontal stripes, and it stands on a "
        "pile of grey rocks surrounded by the sea.",
        "Is the light on?",
        "Yes. The lantern room at the top glows yellow, and pale yellow beams of light spread out to both sides.",
    ], source="synthetic"),
    conv(114, [
        "What is flying in the sky?\n<image>",
        "A kite 🪁 is flying in the sky. It is diamond-shaped and divided into red and yellow sections, "
        "with a tail of three small bows hanging below it.",
        "What is the weather like?",
        "It looks like a fine, breezy day: the sky is blue with two small white clouds, and a green hill "
        "rises at the bottom of the picture.",
        "Can you see who is flying the kite?",
        "No. The kite string runs down to the lower-left corner of the picture, but whoever holds it is "
        "out of the frame.",
    ]),
    # Same id as the hallucinating record above, different (faithful)
    # content: LLaVA-Instruct-158k has repeated ids like this.
    conv(105, [
        "Describe the fruit on the table.\n<image>",
        "There are three red apples lined up in a row on a white table. Each apple has a short brown "
        "stem, and the middle one also has a small green leaf.",
        "Is there anything else on the table?",
        "No, the table holds only the three apples; behind it is a plain pale blue-grey wall.",
    ]),
]

DETAIL = [
    conv(115, [
        "<image>\nDescribe the image in detail.",
        "The image shows a round pink birthday cake standing on a white plate, which rests on a light "
        "brown table in front of a pale lavender wall. The top of the cake is a lighter shade of pink, "
        "and a band of white icing with rounded drips runs around the upper edge of its side. Five thin "
        "candles stand in a row on top of the cake; from left to right they are blue, green, yellow, "
        "purple and orange. Every candle is lit, each with a small orange flame that is pale yellow at "
        "its centre. There are no plates, forks, people or decorations around the cake.",
    ]),
    # Deliberately bad: olives, mushrooms, wine and a cutter are not in the picture.
    conv(116, [
        "What do you see happening in this image?\n<image>",
        "The image shows a freshly baked pizza seen from directly above, resting on a wooden table. The "
        "pizza is topped with pepperoni, black olives and sliced mushrooms over melted cheese, and it has "
        "already been cut into six slices. Beside it stands a glass of red wine, and a metal pizza cutter "
        "lies on the table next to the crust, suggesting that someone is about to start eating.",
    ]),
    conv(117, [
        "<image>\nExplain the visual content of the image in great detail.",
        "The image shows a traffic light against a blue sky with a single white cloud in the upper right. "
        "The light has a black rectangular housing mounted on top of a grey pole and holds three round "
        "lamps stacked vertically. The top lamp is lit bright red, while the middle lamp (yellow) and the "
        "bottom lamp (green) are dark, which means traffic must stop. No cars, people or buildings appear "
        "in the picture.",
    ]),
    conv(118, [
        "Can you elaborate on the elements of the picture provided?\n<image>",
        "The picture shows a sunny beach. The bottom third is light yellow sand, above it is a band of blue "
        "sea, and the top is a clear blue sky. A large beach umbrella stands in the sand a little to the "
        "right of the centre; its canopy is divided into alternating red and white sections and it is held "
        "up by a thin white pole. On the sand at the lower left lies a blue beach towel with two white "
        "stripes. No people are visible.",
    ]),
    conv(119, [
        "<image>\nDescribe the following image.",
        "A round glass fishbowl sits on a wooden table in front of a beige wall. The bowl is filled with "
        "blue water up to a little below its rim. Two orange goldfish swim inside: one in the upper left "
        "facing right, and one lower down on the right facing left. Two green water plants grow up from "
        "the bottom, where a layer of small coloured pebbles (red, yellow, blue, green and white) covers "
        "the floor of the bowl.",
    ]),
    conv(120, [
        "What's happening in the scene?\n<image>",
        "A bright rainbow arches across a blue sky. Its bands run, from the outside in, red, orange, "
        "yellow, green, blue and purple, and both ends of the arc disappear behind two rolling green "
        "hills at the bottom of the picture, the right hill slightly darker than the left. A single white "
        "cloud floats in the upper right corner. There are no people, animals or buildings.",
    ]),
]


def cand(num, pairs, image_first=True):
    """An Align2LLaVA candidate-answer record: each gpt turn holds a list of
    candidate answers with a parallel list of scores."""
    rec = {"id": rec_id(num), "image": file_name(num), "conversations": []}
    for i, (question, answers) in enumerate(pairs):
        if i == 0:
            question = "<image>\n" + question if image_first else question + "\n<image>"
        rec["conversations"].append({"from": "human", "value": question})
        rec["conversations"].append({"from": "gpt", "value": [a for a, _ in answers],
                                     "score": [s for _, s in answers]})
    return rec


CANDIDATES = [
    cand(101, [
        ("What is in the lower half of the picture?", [
            ("A red ball lying on green grass.", 4.5),
            ("Some grass.", 2.5),
            ("A brown dog chasing a red ball across the grass.", 1.0)]),
    ]),
    cand(103, [
        ("How many cats are there, and what colours are they?", [
            ("There are three cats: two orange and one black.", 1.0),
            ("There are two cats, an orange one on the left and a grey one on the right.", 5.0),
            ("Two cats.", 3.0)]),
        ("What are the cats sitting on?", [
            ("They are sitting on a blue sofa.", 4.5),
            ("They are sitting on a wooden floor next to a fireplace.", 1.0),
            ("A couch, probably in a living room, with a cream wall behind it.", 4.0)]),
    ], image_first=False),
    cand(107, [
        ("What is the snowman wearing?", [
            ("A black top hat and a red scarf.", 5.0),
            ("A blue woolly hat, mittens and a striped scarf.", 1.0),
            ("Clothes.", 2.0)]),
    ]),
    cand(111, [
        ("What time is shown on the clock?", [
            ("It shows about a quarter past twelve.", 1.5),
            ("A clock.", 2.0),
            ("It shows three o'clock: the short hand points to 3 and the long hand to 12.", 5.0)]),
    ], image_first=False),
]


def qset(*turns):
    return [{"from": "human" if i % 2 == 0 else "gpt", "value": v} for i, v in enumerate(turns)]


QUESTIONS = [
    {"id": rec_id(105), "image": file_name(105), "questions": [
        qset("<image>\nHow many apples are on the table?", "There are three apples on the table."),
        qset("<image>\nWhat is the capital of France?", "Paris."),
        qset("<image>\nWhat do the apples have in common, and how does the middle one differ?",
             "All three are red with short brown stems; only the middle one also has a green leaf.",
             "What colour is the table?",
             "The table is white."),
    ], "score": [3.5, 1.0, 4.0]},
    {"id": rec_id(102), "image": file_name(102), "questions": [
        qset("What colour is the roof of the house?\n<image>", "The roof is red."),
        qset("Why might the owners have planted a tree next to the house?\n<image>",
             "A tree beside a house gives shade in summer and shelter from wind; here it stands just to "
             "the right of the house."),
        qset("Is there a swimming pool behind the house?\n<image>",
             "Yes, there is a large swimming pool behind the house."),
    ], "score": [3.0, 4.5, 1.0]},
    {"id": rec_id(116), "image": file_name(116), "questions": [
        qset("<image>\nHow many pieces of pepperoni are on the pizza?", "There are seven pieces of pepperoni."),
        qset("<image>\nWhat is this?", "Food."),
        qset("<image>\nInto how many slices is the pizza cut, and what toppings does it have?",
             "It is cut into eight slices and topped with cheese, pepperoni and pieces of green pepper.",
             "Is the pizza whole?",
             "Yes, all eight slices are still there; none has been taken."),
    ], "score": [4.0, 1.5, 4.5]},
]

# Align2LLaVA's released question files hold questions only: each set is a list of question strings, no
# answers, scored 0.0-1.0. Scores halfway between two tenths (0.95, 0.85, 0.15, 0.55) test the rounding of
# --scores-as onto a 0.0-1.0 scale in steps of 0.1.
QUESTIONS_ONLY = [
    {"id": rec_id(103), "image": file_name(103), "questions": [
        ["<image>\nHow many cats are on the sofa?", "What colour is the cat on the left?",
         "Which cat is on the right?"],
        ["<image>\nWhat is the weather like on Mars?"],
        ["<image>\nWhat are the cats doing?", "Is either cat asleep?"],
        ["<image>\nWhy might the cats be sitting together?"],
    ], "score": [0.95, 0.15, 0.85, 0.55]},
    {"id": rec_id(115), "image": file_name(115), "questions": [
        ["<image>\nHow many candles are on the cake?", "What colour is the icing?"],
        ["<image>\nIs this a picture?"],
        ["<image>\nWhat might be celebrated, given the number of candles?"],
    ], "score": [0.7, 0.1, 0.6]},
]

ALPACA = [
    {"id": "alp-1",
     "instruction": "Using the image, explain which cat is closer to the left arm of the sofa and how you can tell.",
     "input": "",
     "output": "The orange cat is closer to the left arm. The two cats sit side by side on the seat, and the "
               "orange one is on the left half of the sofa while the grey one is on the right half.",
     "image": file_name(103),
     "caption": "Two cats, the orange one on the left and the grey one on the right, sitting on a sofa.",
     "type": "reasoning"},
    {"id": "alp-2",
     "instruction": "Translate the sentence into French.",
     "input": "Three red apples are on a white table.",
     "output": "Trois pommes rouges sont posées sur une table blanche.",
     "type": "translation"},
    {"id": "alp-3",
     "instruction": "A meeting starts two and a half hours after the time shown on the clock. When does it start?",
     "input": "Assume the clock shows an afternoon time.",
     "output": "The clock shows 3:00, so the meeting starts at 5:30 in the afternoon.",
     "image": file_name(111),
     "caption": "A round clock showing three o'clock.",
     "type": "reasoning"},
    {"id": "alp-4",
     "instruction": "Write a haiku about a snowman.",
     "output": "Coal eyes greet the dawn ☃\na carrot nose tilts sunward 🌞 —\nslowly he grows small",
     "type": "creative"},
]


# --------------------------------------------------------------------------
# Writing

# Characters a terminal may act on. json.dumps(ensure_ascii=False) already
# escapes C0 controls; these others would otherwise be written raw, and the
# sample promises the hostile record's controls are visible as \u escapes.
def _escape_invisible(text):
    out = []
    for ch in text:
        o = ord(ch)
        if 0x7F <= o <= 0x9F or o in (0x200E, 0x200F) or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    return "".join(out)


def dump_pretty(obj):
    return _escape_invisible(json.dumps(obj, indent=2, ensure_ascii=False)) + "\n"


def dump_line(obj, ascii_only=False):
    return _escape_invisible(json.dumps(obj, ensure_ascii=ascii_only, separators=(",", ":")))


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def captions_file():
    images, annotations = [], []
    for num, _, _, caps in SCENES:
        images.append({"id": num, "file_name": file_name(num), "width": W, "height": H})
        for c in caps:
            annotations.append({"id": len(annotations) + 1, "image_id": num, "caption": c})
    return {
        "info": {"description": "Winnow sample captions: synthetic drawings, COCO captions format",
                 "version": "1.0", "year": 2026, "contributor": "Winnow"},
        "licenses": [],
        "images": images,
        "annotations": annotations,
    }


def bad_files():
    # Cut inside the second record's first answer: a download that stopped.
    full = dump_pretty(CONVERSATIONS[:2])
    cut = full.index("two light-blue windows")
    write("bad/truncated.json", full[:cut])

    lines = [dump_line(r) for r in CONVERSATIONS[:4]]
    broken = dict(CONVERSATIONS[2])
    broken["conversations"] = "oops"
    lines[2] = dump_line(broken)
    write("bad/wrong-field.jsonl", "\n".join(lines) + "\n")

    robot = json.loads(json.dumps(CONVERSATIONS[1]))
    robot["conversations"][3]["from"] = "robot"
    write("bad/bad-from.json", dump_pretty([CONVERSATIONS[0], robot]))

    # Line 2 was saved as Latin-1 (é = 0xE9) and has a stray 0xFF byte.
    good1 = dump_line(CONVERSATIONS[0]).encode("utf-8")
    bad2 = (b'{"id":"000000000102","image":"COCO_train2014_000000000102.png","conversations":['
            b'{"from":"human","value":"<image>\\nD\xe9cris la maison."},'
            b'{"from":"gpt","value":"Une maison au toit rouge \xff et un arbre."}]}')
    good3 = dump_line(CONVERSATIONS[2]).encode("utf-8")
    write("bad/not-utf8.jsonl", good1 + b"\n" + bad2 + b"\n" + good3 + b"\n")


README = """\
# Winnow sample data

Synthetic data written for Winnow: simple drawn images and hand-written
instruction records in the formats Winnow imports. Licence: the same as the
project. Everything here is produced by `data/make_sample.py`; edit that script
and run `python3 data/make_sample.py` rather than editing these files.

Most records are faithful to their image. Some are deliberately bad, so there
is something to grade; they are listed below by id.

## Files

| file | format | records |
|---|---|---|
| `images/` | {n_images} PNG images, 160x120 RGB, COCO-style names `COCO_train2014_000000000NNN.png` | {n_images} |
| `captions.json` | COCO captions: `info`, `licenses`, `images` (`id`, `file_name`, `width`, `height`), `annotations` (`id`, `image_id`, `caption`) | {n_images} images, {n_captions} captions |
| `conversation.json` | LLaVA-Instruct JSON list, 2-space indent; `id`, `image`, `conversations` of alternating `human`/`gpt` turns | {n_conv} |
| `detail.jsonl` | LLaVA detailed descriptions, one compact JSON object per line, one human/gpt pair each | {n_detail} |
| `candidates.json` | Align2LLaVA candidate answers: a gpt turn's `value` is a list of answers with a parallel `score` list | {n_cand} |
| `questions.json` | Align2LLaVA candidate question sets: `questions` is a list of short conversations, `score` parallel | {n_q} |
| `questions-only.json` | Align2LLaVA's released shape: each question set is a list of question strings only, `score` 0.0-1.0 | {n_qo} |
| `alpaca.jsonl` | Alpaca-style `instruction`, optional `input`, `output`, optional `image` and `caption`, `type` | {n_alp} |
| `bad/` | malformed files for tests and docs (see below) | |

`conversation.json` covers images 101-114 and `detail.jsonl` images 115-120;
the other files reuse some of them. Record ids are the image number padded to 12 digits (`000000000105`), as in
LLaVA; the image's COCO id is the same number (`105`). `<image>` appears once,
in the first human turn, either before the text (`"<image>\\n..."`) or after it
(`"...\\n<image>"`).

## Deliberately bad or unusual records

`conversation.json`:

- `000000000105` appears twice. The first record hallucinates: it claims four
  apples (two of them green), a knife, a half-cut apple and a glass of juice;
  the picture has three red apples and nothing else. The second record, last
  in the file, is faithful.
- `000000000109`: both answers are off-topic (stock market, pizza recipe).
- `000000000110`: lazy one-word answers ("Bike.", "Ground.").
- `000000000111`: questions in English, answers in German (correct content,
  wrong language).
- `000000000112`: hostile text. It contains ANSI escapes (`\\u001b[31m` ...
  `\\u001b[0m`, `\\u001b[2J`), an OSC window-title sequence ending in
  `\\u0007`, the C1 control CSI (`\\u009b2J`, `\\u009bH`), and a right-to-left override
  (`\\u202e` ... `\\u202c`), all written as JSON escapes. Winnow must show
  them as visible placeholders and never send them to the terminal.
- `000000000106`: a long multi-paragraph answer (about {long_len} characters) for
  scrolling.
- `000000000113` carries an extra field, `"source": "synthetic"`, which must be
  kept on export.
- Multilingual: `000000000104` is Arabic, `000000000107` Japanese,
  `000000000108` Chinese; `101`, `107`, `108` and `114` contain emoji.

`detail.jsonl`: `000000000116` hallucinates black olives, mushrooms, a glass
of wine and a pizza cutter, and says six slices; the pizza has pepperoni and
green peppers and is cut into eight slices.

`candidates.json`: each candidate list mixes faithful, partial or lazy, and
hallucinated answers; the scores (1 to 5) say which.
`000000000103` has two human/gpt pairs, both with candidate lists.

`questions.json`: each record has one poor question set (irrelevant,
uninformative or leading to a hallucination) with a low score.

`questions-only.json`: questions without answers, as Align2LLaVA released
them; the scores 0.95, 0.85, 0.15 and 0.55 lie halfway between two tenths
(`--scores-as` rounds them up), and `000000000103`'s second set asks about
Mars.

`alpaca.jsonl` is written ASCII-only, as Python's `json.dumps` does by
default: `alp-2` and `alp-4` hold `\\u00e9`, `\\u2603`, `\\u2014` and the
surrogate pair `\\ud83c\\udf1e` (an emoji outside the BMP). `alp-1` has an
empty `input`, `alp-4` has no `input` key; `alp-2` and `alp-4` have no image.

`bad/`:

- `truncated.json`: a LLaVA list cut off inside the second record.
- `wrong-field.jsonl`: line 3 has `"conversations": "oops"` instead of a list.
- `bad-from.json`: record `000000000102`, turn 4 has `"from": "robot"`.
- `not-utf8.jsonl`: line 2 contains bytes that are not UTF-8 (`0xE9` from
  Latin-1, and `0xFF`).

## Images

| id | file | shows |
|---|---|---|
{image_rows}
"""


def main():
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    wanted = {file_name(num) for num, _, _, _ in SCENES}
    for name in os.listdir(os.path.join(OUT, "images")):
        if name.endswith(".png") and name not in wanted:
            os.remove(os.path.join(OUT, "images", name))
    for num, draw, _, _ in SCENES:
        cv = Canvas((255, 255, 255))
        draw(cv)
        write("images/" + file_name(num), png_bytes(cv.downsampled()))

    caps = captions_file()
    write("captions.json", dump_pretty(caps))
    write("conversation.json", dump_pretty(CONVERSATIONS))
    write("detail.jsonl", "".join(dump_line(r) + "\n" for r in DETAIL))
    write("candidates.json", dump_pretty(CANDIDATES))
    write("questions.json", dump_pretty(QUESTIONS))
    write("questions-only.json", dump_pretty(QUESTIONS_ONLY))
    write("alpaca.jsonl", "".join(dump_line(r, ascii_only=True) + "\n" for r in ALPACA))
    bad_files()
    write("README.md", README.format(
        n_images=len(SCENES), n_captions=len(caps["annotations"]), n_conv=len(CONVERSATIONS),
        n_detail=len(DETAIL), n_cand=len(CANDIDATES), n_q=len(QUESTIONS), n_qo=len(QUESTIONS_ONLY), n_alp=len(ALPACA),
        long_len=round(len(LONG_SUNSET), -2),
        image_rows="\n".join("| %d | `%s` | %s |" % (num, file_name(num), desc)
                             for num, _, desc, _ in SCENES)))


if __name__ == "__main__":
    main()
