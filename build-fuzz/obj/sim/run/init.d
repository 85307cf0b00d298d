build-fuzz/obj/sim/run/init.o: sim/run/init.c include/send_init.h \
  include/des_error.h include/send_sen2.h include/send_io.h

include/send_init.h:

include/des_error.h:

include/send_sen2.h:

include/send_io.h:
