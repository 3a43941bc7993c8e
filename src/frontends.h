/* Entry points of the front ends main() dispatches to. */
#ifndef IPTNFT_FRONTENDS_H
#define IPTNFT_FRONTENDS_H

#include <stdint.h>

int iptables_main(uint8_t family, int argc, char **argv);
int save_main(uint8_t family, int argc, char **argv);
int restore_main(uint8_t family, int argc, char **argv);

#endif
