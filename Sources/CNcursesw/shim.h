#ifndef WINNOW_CNCURSESW_SHIM_H
#define WINNOW_CNCURSESW_SHIM_H
/*
 * Winnow's bridge to ncursesw.
 *
 * Swift cannot import function-like macros (COLOR_PAIR, getmaxyx, KEY_F),
 * attribute macros built from NCURSES_BITS, or use ncurses' global variables
 * (stdscr, COLORS) safely under strict concurrency. The small static inline
 * helpers below wrap them. Only Sources/WinnowTUI/Backend/Terminal.swift calls
 * into this module (Key.swift reads the KEY_* constants).
 *
 * All helpers are `static` because a system-library target cannot carry .c
 * files. Static state (the signal bookkeeping below) is instantiated in every
 * object file that uses it, so those helpers must be called from one Swift
 * source file only: Terminal.swift.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/*
 * Creates and selects the screen on stdout/stdin. Unlike initscr(), which
 * exits the process on failure, newterm() returns NULL, which the caller
 * turns into a typed error.
 */
/* `type` NULL: the terminal $TERM names; else that terminfo entry (a direct-colour variant). */
static inline SCREEN *winnow_newterm(const char *type) {
    SCREEN *screen = newterm(type, stdout, stdin);
    if (screen != NULL) set_term(screen);
    return screen;
}

static inline WINDOW *winnow_stdscr(void) { return stdscr; }
static inline int winnow_colors(void) { return COLORS; }
static inline int winnow_color_pairs(void) { return COLOR_PAIRS; }
static inline int winnow_width(void) { return getmaxx(stdscr); }
static inline int winnow_height(void) { return getmaxy(stdscr); }
static inline int winnow_key_f0(void) { return KEY_F0; }
static inline int winnow_key_code_yes(void) { return KEY_CODE_YES; }
static inline int winnow_ok(void) { return OK; }
static inline int winnow_err(void) { return ERR; }

/* The C library's idea of a character's width, which is what ncurses uses. */
static inline int winnow_wcwidth(unsigned int character) { return wcwidth((wchar_t)character); }

/* Attribute bits for setcchar. */
static inline attr_t winnow_attributes(int bold, int dim, int reverse, int underline) {
    attr_t result = WA_NORMAL;
    if (bold) result |= WA_BOLD;
    if (dim) result |= WA_DIM;
    if (reverse) result |= WA_REVERSE;
    if (underline) result |= WA_UNDERLINE;
    return result;
}

/* Nonzero when the current LC_CTYPE encodes text as UTF-8. */
static inline int winnow_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/*
 * Draws one cell: a grapheme cluster given as up to CCHARW_MAX wide
 * characters (a spacing character followed by non-spacing ones), with
 * attributes and an extended colour pair (passed through setcchar's opts
 * pointer, so pairs above 32767 work). Returns OK or ERR.
 */
static inline int winnow_put_cell(int y, int x, const wchar_t *text, attr_t attributes, int pair) {
    cchar_t cell;
    memset(&cell, 0, sizeof cell);
    int extended_pair = pair;
    if (setcchar(&cell, text, attributes, 0, &extended_pair) == ERR) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/* Reads one key or character; returns OK, KEY_CODE_YES or ERR (timeout). */
static inline int winnow_read_key(int timeout_ms, unsigned int *value) {
    wint_t key = 0;
    wtimeout(stdscr, timeout_ms);
    int result = wget_wch(stdscr, &key);
    *value = (unsigned int)key;
    return result;
}

/*
 * Terminal restoration on fatal signals and exit.
 *
 * Trade-off, documented: endwin() is not on POSIX's async-signal-safe list
 * (it writes through ncurses' output buffer). Calling it from a handler can,
 * in the rare case that the signal interrupted ncurses itself, emit a garbled
 * sequence or, worse, deadlock inside stdio. We accept that risk because the
 * alternative, leaving the user's terminal in raw/no-echo mode with the
 * cursor hidden after a crash or kill, is the common and much worse failure.
 * The handler runs once (the terminal flag is cleared first), then restores
 * the handler that was installed before ours (the Swift runtime's backtracer,
 * or the default action) and re-raises, so the process still dies with the
 * original signal and any crash report is printed on a sane terminal.
 *
 * This is the only global mutable state in WinnowTUI; a signal handler has no
 * other way to find the terminal.
 */
static volatile sig_atomic_t winnow_terminal_active = 0;
static volatile sig_atomic_t winnow_handlers_installed = 0;
static int winnow_atexit_registered = 0;
/* Function-local so that Swift's importer emits its storage with the code. */
static inline struct sigaction *winnow_previous_actions(void) {
    static struct sigaction actions[NSIG];
    return actions;
}

static const int winnow_fatal_signals[] = {
    SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL
};
#define WINNOW_FATAL_SIGNAL_COUNT (sizeof winnow_fatal_signals / sizeof winnow_fatal_signals[0])

static void winnow_restore_terminal_once(void) {
    if (winnow_terminal_active) {
        winnow_terminal_active = 0;
        endwin();
    }
}

static void winnow_fatal_signal_handler(int signal_number) {
    winnow_restore_terminal_once();
    if (signal_number == SIGINT || signal_number == SIGTERM || signal_number == SIGHUP) {
        /* The handler before ours is ncurses' own, which would exit(1): die of the signal instead,
           so a parent (a shell, a supervisor) sees how the process ended. */
        signal(signal_number, SIG_DFL);
    } else if (signal_number > 0 && signal_number < NSIG) {
        sigaction(signal_number, &winnow_previous_actions()[signal_number], NULL);
    } else {
        signal(signal_number, SIG_DFL);
    }
    raise(signal_number);
}

static void winnow_atexit_handler(void) { winnow_restore_terminal_once(); }

/* Marks the terminal as (not) needing restoration by the handlers. */
static inline void winnow_set_terminal_active(int active) { winnow_terminal_active = active ? 1 : 0; }

/* Installs the fatal-signal handlers (once) and the atexit hook (once per process). */
static inline void winnow_install_restore_handlers(void) {
    if (!winnow_atexit_registered) {
        winnow_atexit_registered = 1;
        atexit(winnow_atexit_handler);
    }
    if (winnow_handlers_installed) return;
    for (size_t i = 0; i < WINNOW_FATAL_SIGNAL_COUNT; i++) {
        int number = winnow_fatal_signals[i];
        struct sigaction action;
        if (sigaction(number, NULL, &winnow_previous_actions()[number]) == 0 &&
            winnow_previous_actions()[number].sa_handler == SIG_IGN) {
            continue; /* respect an inherited "ignore" (nohup, background jobs) */
        }
        memset(&action, 0, sizeof action);
        action.sa_handler = winnow_fatal_signal_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(number, &action, NULL);
    }
    winnow_handlers_installed = 1;
}

/* Puts back whatever handlers were installed before ours. */
static inline void winnow_remove_restore_handlers(void) {
    if (!winnow_handlers_installed) return;
    for (size_t i = 0; i < WINNOW_FATAL_SIGNAL_COUNT; i++) {
        int number = winnow_fatal_signals[i];
        struct sigaction current;
        if (sigaction(number, NULL, &current) == 0 &&
            current.sa_handler != winnow_fatal_signal_handler) {
            continue; /* ignored, or replaced by someone else since */
        }
        sigaction(number, &winnow_previous_actions()[number], NULL);
    }
    winnow_handlers_installed = 0;
}

#endif
