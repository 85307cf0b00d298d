build-fuzz/obj/sim/io/plot_results.o: sim/io/plot_results.c \
  sim/io/plot_internal.h include/send_io.h include/des_error.h \
  include/send_plot.h include/send_h5.h include/send_model.h \
  include/des_date.h include/des_dist.h include/send_results.h \
  include/send_scenario.h

sim/io/plot_internal.h:

include/send_io.h:

include/des_error.h:

include/send_plot.h:

include/send_h5.h:

include/send_model.h:

include/des_date.h:

include/des_dist.h:

include/send_results.h:

include/send_scenario.h:
