build-fuzz/obj/sim/io/buf.o: sim/io/buf.c include/send_io.h \
  include/des_error.h

include/send_io.h:

include/des_error.h:
