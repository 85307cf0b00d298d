build-fuzz/obj/sim/io/keys_print.o: sim/io/keys_print.c \
  include/send_scenario.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h include/send_keys.h

include/send_scenario.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_keys.h:
