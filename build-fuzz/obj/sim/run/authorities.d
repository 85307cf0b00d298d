build-fuzz/obj/sim/run/authorities.o: sim/run/authorities.c \
  sim/run/run_core.h include/send_run.h include/send_model.h \
  include/des_date.h include/des_dist.h include/des_error.h \
  include/send_results.h

sim/run/run_core.h:

include/send_run.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:

include/send_results.h:
