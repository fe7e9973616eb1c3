#ifndef PALAVER_CNCURSESW_SHIM_H
#define PALAVER_CNCURSESW_SHIM_H

/*
 * Wide-character ncurses for Swift. The wrappers below expose macros and globals
 * (stdscr, COLORS, COLOR_PAIRS, LINES, COLS, COLOR_PAIR, KEY_* codes) as functions,
 * and give variadic or macro-only calls a typed signature.
 */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_color_pairs(void) { return COLOR_PAIRS; }
static inline int cnc_color_pair(int n) { return COLOR_PAIR(n); }
static inline int cnc_key_resize(void) { return KEY_RESIZE; }
static inline int cnc_key_mouse(void) { return KEY_MOUSE; }
static inline int cnc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cnc_err(void) { return ERR; }
static inline int cnc_ok(void) { return OK; }
static inline attr_t cnc_a_bold(void) { return A_BOLD; }
static inline attr_t cnc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cnc_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_a_dim(void) { return A_DIM; }
static inline attr_t cnc_a_italic(void) { return A_ITALIC; }
static inline attr_t cnc_a_normal(void) { return A_NORMAL; }

/* Reads one wide character or key code; returns OK, KEY_CODE_YES or ERR. */
static inline int cnc_get_wch(WINDOW *w, wint_t *out) { return wget_wch(w, out); }

/* Puts one cell: a base character plus up to four combining characters, with attributes. */
static inline int cnc_put_cell(WINDOW *w, int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cell);
}

/* Moves the real terminal cursor. */
static inline int cnc_move(WINDOW *w, int y, int x) { return wmove(w, y, x); }

static inline int cnc_setlocale_all(void) { return setlocale(LC_ALL, "") != NULL; }

/* Puts one cell with an extended colour pair: any pair number below COLOR_PAIRS (ncurses 6.1+). */
static inline int cnc_put_cell_ext(WINDOW *w, int y, int x, const wchar_t *chars, attr_t attrs, int pair) {
    cchar_t cell;
    int ext = pair;
    if (setcchar(&cell, chars, attrs, (short)(pair <= 0x7fff ? pair : 0), &ext) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cell);
}

/* Starts curses on the process's stdout and stdin without exiting on failure (unlike initscr);
   returns NULL when the terminal cannot be used. */
static inline SCREEN *cnc_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }

/* Columns libc gives a code point in the current locale (what ncurses itself assumes). */
static inline int cnc_wcwidth(wchar_t c) { return wcwidth(c); }

/* Sets only LC_CTYPE (for a UTF-8 fallback such as "C.UTF-8"); returns 1 on success. */
static inline int cnc_setlocale_ctype(const char *name) { return setlocale(LC_CTYPE, name) != NULL; }

/* The character set of the current locale, such as "UTF-8". */
static inline const char *cnc_codeset(void) { return nl_langinfo(CODESET); }

#endif
