build-fuzz/obj/sim/des/rng.o: sim/des/rng.c include/des_rng.h \
  include/des_error.h

include/des_rng.h:

include/des_error.h:
