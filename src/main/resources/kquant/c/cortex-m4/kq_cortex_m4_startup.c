/*
 * kq_cortex_m4_startup.c - the smallest start a Cortex-M4 needs to run kquant's checking main
 * under qemu-system-arm -M mps2-an386: a vector table, a reset handler that zeroes .bss, opens
 * newlib's semihosting streams (so printf and fopen reach the host) and passes the command line
 * from the host (qemu -append) to main as argc and argv. Link with --specs=rdimon.specs
 * -nostartfiles and kq_cortex_m4.ld. A firmware brings its own startup; this one is for tests.
 * Hand-written; copied by kquant export --target cortex-m4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv);
void initialise_monitor_handles(void);
void kq_reset(void);
void _init(void);
void _fini(void);

extern uint32_t __bss_start__[], __bss_end__[];

/* One semihosting call (Arm's "Semihosting for AArch32 and AArch64"): BKPT 0xAB on M-profile. */
static int kq_semihost(int operation, void *block)
{
    register int r0 __asm__("r0") = operation;
    register void *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#define KQ_SYS_GET_CMDLINE 0x15
#define KQ_MAX_ARGS 16

/* A fault stops the program with exit code 99, which the host sees as qemu's exit code. */
static void kq_fault(void)
{
    exit(99);
}

void kq_reset(void)
{
    static char line[512];
    static char *argv[KQ_MAX_ARGS + 1];
    struct {
        char *buffer;
        int length;
    } cmdline = {line, (int)sizeof line - 1};
    uint32_t *p;
    int argc = 0;
    char *word;
    for (p = __bss_start__; p < __bss_end__; p++) {
        *p = 0;
    }
    initialise_monitor_handles();
    if (kq_semihost(KQ_SYS_GET_CMDLINE, &cmdline) == 0) {
        line[cmdline.length] = '\0';
        for (word = strtok(line, " "); word != NULL && argc < KQ_MAX_ARGS; word = strtok(NULL, " ")) {
            argv[argc++] = word;
        }
    }
    exit(main(argc, argv));
}

/* newlib's exit runs these; there are no constructors to call. */
void _init(void)
{
}

void _fini(void)
{
}

typedef void (*kq_handler)(void);

/* Exceptions 1 to 6 (reset, NMI, hard fault, memory, bus and usage faults); the linker script
 * puts the initial stack pointer in front. */
__attribute__((section(".kq_vectors"), used)) static const kq_handler kq_vectors[6] = {
    kq_reset, kq_fault, kq_fault, kq_fault, kq_fault, kq_fault};
