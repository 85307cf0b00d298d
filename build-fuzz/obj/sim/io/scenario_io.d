build-fuzz/obj/sim/io/scenario_io.o: sim/io/scenario_io.c \
  include/scenario_io.h include/des_date.h include/des_dist.h \
  include/des_error.h

include/scenario_io.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:
