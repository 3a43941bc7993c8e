/* Connection tracking state names, shared by -m state and -m conntrack. */
#ifndef IPTNFT_EXT_CTSTATE_H
#define IPTNFT_EXT_CTSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "expr.h"
#include "util.h"

/* Bits as the kernel's ct state key has them, plus two status bits we
 * keep apart: SNAT and DNAT are matched on ct status. */
enum {
	CTS_INVALID = 1 << 0,
	CTS_ESTABLISHED = 1 << 1,
	CTS_RELATED = 1 << 2,
	CTS_NEW = 1 << 3,
	CTS_UNTRACKED = 1 << 6,
	CTS_SNAT = 1 << 8,
	CTS_DNAT = 1 << 9,
};

#define CTS_STATE_BITS (CTS_INVALID | CTS_ESTABLISHED | CTS_RELATED | CTS_NEW | CTS_UNTRACKED)
#define CTS_NAT_BITS (CTS_SNAT | CTS_DNAT)

/* Parse "NEW,ESTABLISHED"; allow_nat permits SNAT and DNAT. */
int ctstate_parse(const char *s, bool allow_nat, uint32_t *bits, struct ipt_error *err,
		  const char *what);
/* Names in the reference's order, comma separated. */
void ctstate_text(struct strbuf *out, uint32_t bits);
/* ct state & bits != 0 (inv: == 0), and ct status for the NAT bits. */
void ctstate_linearize(struct lin_ctx *c, uint32_t bits, bool inv);
/* Claim a ct state or ct status relation at the cursor. */
bool ctstate_delinearize(struct delin_ctx *c, uint32_t *bits, bool *inv);
/* The state mask of the reference's conntrack blob as our bits, and
 * back. */
uint32_t ctstate_from_xt(uint16_t state_mask);
uint16_t ctstate_to_xt(uint32_t bits);
/* The reference writes -m state as a conntrack blob (revision 1 to 3)
 * flagged as the state alias: read one at item it. */
bool ctstate_alias_blob(const struct item *it, uint32_t *bits, bool *inv);

#endif
