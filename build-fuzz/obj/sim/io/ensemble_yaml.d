build-fuzz/obj/sim/io/ensemble_yaml.o: sim/io/ensemble_yaml.c \
  include/send_scenario.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h include/send_io.h

include/send_scenario.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_io.h:
