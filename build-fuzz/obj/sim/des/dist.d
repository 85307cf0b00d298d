build-fuzz/obj/sim/des/dist.o: sim/des/dist.c include/des_dist.h \
  include/des_error.h

include/des_dist.h:

include/des_error.h:
