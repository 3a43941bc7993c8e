/* The libFuzzer entry points of one fuzz target, FUZZ_TARGET (a
 * function of fuzz.h), chosen when the file is compiled. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "rtlib.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rt_sandbox();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_TARGET(data, size);
}
