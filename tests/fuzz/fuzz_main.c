/* fuzz_main.c - a libFuzzer program for one reader (`make fuzz`): built once per target with
 * -DFUZZ_TARGET="name" (see tests/support/fuzz_targets.h). */
#include <stdlib.h>

#include "../support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int target = -2;
    if (target == -2)
        target = sendsim_fuzz_find(FUZZ_TARGET);
    if (target < 0)
        abort();
    sendsim_fuzz_run(target, data, size);
    return 0;
}
