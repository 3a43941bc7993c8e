#include "metamatch.h"

#include <string.h>

#include "expr.h"
#include "xtopt.h"

void mm_linearize(struct lin_ctx *c, const struct meta_match *mm, uint32_t value, bool inv)
{
	uint8_t byte = (uint8_t)value;

	lin_meta(c, mm->key);
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, mm->len == 1 ? (const void *)&byte : &value, mm->len);
}

enum compat_res mm_compat(struct xt_out *out, uint32_t value, bool inv)
{
	uint32_t blob[2] = { value, inv };

	out->rev = 0;
	out->len = sizeof(blob);
	memcpy(out->info, blob, sizeof(blob));
	return COMPAT_XT;
}

bool mm_delinearize(struct delin_ctx *c, const struct meta_match *mm, uint32_t *value,
		    bool *inv)
{
	struct item *it = delin_peek(c);
	uint32_t blob[2];
	const void *p;

	if (item_is_meta(it, mm->key) && !it->masked && it->len == mm->len &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		*value = 0;
		if (mm->len == 1)
			*value = it->val[0];
		else
			memcpy(value, it->val, sizeof(*value));
		*inv = it->op == REL_NEQ;
	} else if ((p = xt_blob(it, false, mm->xt_name, 0, sizeof(blob)))) {
		memcpy(blob, p, sizeof(blob));
		if (mm->len == 1 && blob[0] > UINT8_MAX)
			return false;
		*value = blob[0];
		*inv = blob[1] != 0;
	} else {
		return false;
	}
	c->pos++;
	return true;
}
