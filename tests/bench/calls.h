// The calls the load generator sends: SubmitReport from the sample mix, and the echo of the
// same size. Thread-safe (factories copy what they need).
#pragma once

#include <string>

#include "echo.grpc.pb.h"
#include "hotline/v1/intake.grpc.pb.h"
#include "tests/bench/unary_load.h"

namespace hotline::bench {

// SubmitReport of the sample mix, request ids "<prefix>-<seq>", as `token`'s principal.
CallFactory SubmitFactory(v1::Intake::Stub* stub, const std::string& token,
                          const std::string& prefix);

// An echo whose request and answer are as large as a SubmitReportRequest and its Case, with
// the same authorization metadata.
CallFactory EchoFactory(Echo::Stub* stub, const std::string& token, size_t request_bytes,
                        size_t reply_bytes);

}  // namespace hotline::bench
