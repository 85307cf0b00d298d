build-fuzz/obj/sim/io/sen2.o: sim/io/sen2.c include/send_sen2.h \
  include/des_error.h include/scenario_io.h include/des_date.h \
  include/des_dist.h include/send_io.h

include/send_sen2.h:

include/des_error.h:

include/scenario_io.h:

include/des_date.h:

include/des_dist.h:

include/send_io.h:
