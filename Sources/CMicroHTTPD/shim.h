#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// MHD_start_daemon is variadic: start it with an options array instead (MHD_OPTION_ARRAY).
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, uint16_t port,
                                            MHD_AccessHandlerCallback handler, void *handler_context,
                                            struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}
