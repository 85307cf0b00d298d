build-fuzz/obj/sim/model/metrics.o: sim/model/metrics.c \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/des_error.h

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:
