/*
 * count_check.c - code whose instruction count is known, for kquant.target.InstructionCounterTest.
 * kq_known_loop(n) executes exactly 6 n + 1 instructions (written in assembly, so no compiler can
 * change it): per pass SUBS, ITE, MOVEQ, MOVNE (one of the two is skipped, yet executed as an
 * instruction), NOP and BNE, then BX LR. kq_known_call(n) adds its own 3 (PUSH, BL, POP) to a call
 * of kq_known_loop. main(n) opens window "loop" around kq_known_loop(n) and window "call" around
 * kq_known_call(n), each twice.
 */
#include <stdlib.h>

volatile int kq_window;

__attribute__((noinline)) void kq_window_end(void)
{
    kq_window = 0;
}

__attribute__((noinline)) void kq_window_loop(void)
{
    kq_window = 1;
}

__attribute__((noinline)) void kq_window_call(void)
{
    kq_window = 2;
}

void kq_known_loop(int n);
void kq_known_call(int n);

__asm__(".text\n"
        ".syntax unified\n"
        ".thumb\n"
        ".global kq_known_loop\n"
        ".type kq_known_loop, %function\n"
        ".thumb_func\n"
        "kq_known_loop:\n"
        "1:  subs r0, r0, #1\n"
        "    ite eq\n"
        "    moveq r1, #1\n"
        "    movne r1, #2\n"
        "    nop\n"
        "    bne 1b\n"
        "    bx lr\n"
        ".size kq_known_loop, . - kq_known_loop\n"
        ".global kq_known_call\n"
        ".type kq_known_call, %function\n"
        ".thumb_func\n"
        "kq_known_call:\n"
        "    push {r4, lr}\n"
        "    bl kq_known_loop\n"
        "    pop {r4, pc}\n"
        ".size kq_known_call, . - kq_known_call\n");

int main(int argc, char **argv)
{
    const int n = argc > 1 ? atoi(argv[1]) : 1;
    int k;
    for (k = 0; k < 2; k++) {
        kq_window_loop();
        kq_known_loop(n);
        kq_window_end();
        kq_window_call();
        kq_known_call(n);
        kq_window_end();
    }
    return 0;
}
