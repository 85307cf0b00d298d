build-fuzz/obj/sim/io/csv.o: sim/io/csv.c include/send_io.h \
  include/des_error.h

include/send_io.h:

include/des_error.h:
