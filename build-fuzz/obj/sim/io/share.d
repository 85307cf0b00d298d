build-fuzz/obj/sim/io/share.o: sim/io/share.c include/send_io.h \
  include/des_error.h

include/send_io.h:

include/des_error.h:
