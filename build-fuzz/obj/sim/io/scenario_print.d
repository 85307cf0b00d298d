build-fuzz/obj/sim/io/scenario_print.o: sim/io/scenario_print.c \
  include/send_scenario.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h

include/send_scenario.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:
