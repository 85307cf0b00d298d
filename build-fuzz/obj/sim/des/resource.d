build-fuzz/obj/sim/des/resource.o: sim/des/resource.c \
  include/des_resource.h include/des_error.h include/des_stats.h

include/des_resource.h:

include/des_error.h:

include/des_stats.h:
