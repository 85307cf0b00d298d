build-fuzz/obj/sim/run/calibrate.o: sim/run/calibrate.c \
  include/send_calibrate.h include/des_error.h include/send_sen2.h \
  include/des_rng.h include/send_abc.h include/send_init.h \
  include/send_keys.h include/send_model.h include/des_date.h \
  include/des_dist.h include/send_run.h include/send_results.h \
  include/send_scenario.h

include/send_calibrate.h:

include/des_error.h:

include/send_sen2.h:

include/des_rng.h:

include/send_abc.h:

include/send_init.h:

include/send_keys.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_run.h:

include/send_results.h:

include/send_scenario.h:
