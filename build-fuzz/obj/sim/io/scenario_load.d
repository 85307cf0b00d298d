build-fuzz/obj/sim/io/scenario_load.o: sim/io/scenario_load.c \
  include/send_scenario.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h sim/io/scenario_internal.h \
  include/scenario_io.h include/send_keys.h

include/send_scenario.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

sim/io/scenario_internal.h:

include/scenario_io.h:

include/send_keys.h:
