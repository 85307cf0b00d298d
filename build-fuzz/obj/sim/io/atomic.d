build-fuzz/obj/sim/io/atomic.o: sim/io/atomic.c include/send_io.h \
  include/des_error.h

include/send_io.h:

include/des_error.h:
