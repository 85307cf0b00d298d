build-fuzz/obj/sim/io/scenario_prov.o: sim/io/scenario_prov.c \
  sim/io/scenario_internal.h include/des_error.h include/send_scenario.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/scenario_io.h include/send_io.h

sim/io/scenario_internal.h:

include/des_error.h:

include/send_scenario.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/scenario_io.h:

include/send_io.h:
