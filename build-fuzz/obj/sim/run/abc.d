build-fuzz/obj/sim/run/abc.o: sim/run/abc.c include/send_abc.h \
  include/des_error.h include/des_rng.h

include/send_abc.h:

include/des_error.h:

include/des_rng.h:
