build-fuzz/obj/sim/model/requests.o: sim/model/requests.c \
  sim/model/model_internal.h include/send_model.h include/des_date.h \
  include/des_dist.h include/des_error.h include/des_calendar.h \
  include/des_pool.h include/des_resource.h include/des_stats.h \
  include/des_rng.h

sim/model/model_internal.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/des_error.h:

include/des_calendar.h:

include/des_pool.h:

include/des_resource.h:

include/des_stats.h:

include/des_rng.h:
