build-fuzz/obj/sim/run/run.o: sim/run/run.c include/send_run.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/des_error.h include/send_results.h include/des_rng.h \
  sim/run/run_core.h

include/send_run.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:

include/send_results.h:

include/des_rng.h:

sim/run/run_core.h:
