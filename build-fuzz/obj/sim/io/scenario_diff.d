build-fuzz/obj/sim/io/scenario_diff.o: sim/io/scenario_diff.c \
  include/send_scenario.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h include/scenario_io.h

include/send_scenario.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/scenario_io.h:
