build-fuzz/obj/sim/des/stats.o: sim/des/stats.c include/des_stats.h \
  include/des_error.h

include/des_stats.h:

include/des_error.h:
