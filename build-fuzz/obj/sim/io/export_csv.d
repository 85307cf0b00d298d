build-fuzz/obj/sim/io/export_csv.o: sim/io/export_csv.c \
  include/send_export.h include/des_error.h include/send_h5.h \
  include/send_model.h include/des_date.h include/des_dist.h \
  include/send_results.h include/send_scenario.h \
  sim/io/export_internal.h include/send_io.h

include/send_export.h:

include/des_error.h:

include/send_h5.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_results.h:

include/send_scenario.h:

sim/io/export_internal.h:

include/send_io.h:
