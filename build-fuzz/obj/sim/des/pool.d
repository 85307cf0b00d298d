build-fuzz/obj/sim/des/pool.o: sim/des/pool.c include/des_pool.h \
  include/des_error.h

include/des_pool.h:

include/des_error.h:
