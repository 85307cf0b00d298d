build-fuzz/obj/sim/model/results.o: sim/model/results.c \
  include/send_results.h include/des_error.h include/send_model.h \
  include/des_date.h include/des_dist.h include/des_stats.h

include/send_results.h:

include/des_error.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_stats.h:
