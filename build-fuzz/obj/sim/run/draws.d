build-fuzz/obj/sim/run/draws.o: sim/run/draws.c include/des_rng.h \
  include/des_error.h sim/run/run_core.h include/send_run.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/send_results.h include/send_keys.h

include/des_rng.h:

include/des_error.h:

sim/run/run_core.h:

include/send_run.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_results.h:

include/send_keys.h:
