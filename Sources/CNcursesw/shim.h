#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

/* Mouse masks are macros Swift cannot import; these constants carry them. */
static const mmask_t asrlens_button1_pressed = BUTTON1_PRESSED;
static const mmask_t asrlens_button1_released = BUTTON1_RELEASED;
static const mmask_t asrlens_wheel_up = BUTTON4_PRESSED;
static const mmask_t asrlens_wheel_down = BUTTON5_PRESSED;
/* A press and release read together may come back as one click. */
static const mmask_t asrlens_button1_clicked = BUTTON1_CLICKED;
