import CMicroHTTPD

/// The libmicrohttpd access handler: runs on a worker thread, once per request head, once per body chunk and once
/// at the end of the request (`*upload_data_size == 0` with a context already in `*con_cls`).
///
/// `cls` is an unretained ``RequestDispatcher``. Responses are queued only at the end of the request, which keeps
/// keep-alive working; an answer that is not ready when the handler returns suspends the connection (``HTTPReply``). The exception is a `Content-Length` over the limit: `413` is queued on the first call, and
/// libmicrohttpd then reads none of the body and closes the connection after the answer. A body that outgrows the
/// limit while streaming (chunked) is drained without being stored and answered `413` at its end, because
/// libmicrohttpd 0.9.75 refuses `MHD_queue_response` in the middle of a body (the only alternative is to drop the
/// connection without an answer).
let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let uploadDataSize, let conCls else { return .NO }
    let dispatcher = Unmanaged<RequestDispatcher>.fromOpaque(cls).takeUnretainedValue()
    let limit = dispatcher.configuration.maxBodyBytes

    guard let existing = conCls.pointee else {
        // First call: the head is complete, no body has been read.
        let context = RequestContext(
            connection: connection,
            method: method.map { String(cString: $0) } ?? "",
            path: url.map { String(cString: $0) } ?? "/")
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        if let declared = context.request.headers["content-length"].flatMap(Int.init), declared > limit {
            return answerTooLarge(context, connection: connection, limit: limit)
        }
        return .YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

    let chunkSize = uploadDataSize.pointee
    if chunkSize > 0 {
        uploadDataSize.pointee = 0
        if context.isAnswered || context.isTooLarge { return .YES }
        guard context.request.body.count + chunkSize <= limit else {
            context.isTooLarge = true
            context.request.body = []
            return .YES
        }
        if let uploadData {
            context.request.body.append(
                contentsOf: UnsafeRawBufferPointer(start: UnsafeRawPointer(uploadData), count: chunkSize))
        }
        return .YES
    }

    // End of the request. A call after the request was answered means libmicrohttpd resumed a connection
    // whose answer it refused: close it.
    if context.isAnswered { return context.isDispatched ? .NO : .YES }
    if context.isTooLarge { return answerTooLarge(context, connection: connection, limit: limit) }
    context.isAnswered = true
    guard dispatcher.acquireSlot() else {
        let retryAfter = dispatcher.configuration.retryAfterSeconds
        return queue(
            .serverError(
                503, code: "overloaded", message: "too many requests in flight, retry in \(retryAfter) s",
                headers: ["Retry-After": String(retryAfter)]),
            on: connection)
    }
    context.holdsSlot = true
    context.isDispatched = true
    let reply = HTTPReply(connection: connection, registry: dispatcher.suspended)
    dispatcher.dispatch(context.request, reply: reply)
    return reply.finishHandling()
}

/// The `MHD_OPTION_NOTIFY_COMPLETED` callback: the response was sent or the connection died. Frees the context.
let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let existing = conCls.pointee else { return }
    conCls.pointee = nil
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeRetainedValue()
    if context.holdsSlot {
        Unmanaged<RequestDispatcher>.fromOpaque(cls).takeUnretainedValue().releaseSlot()
    }
}

/// Queues `413` for `context`.
private func answerTooLarge(_ context: RequestContext, connection: OpaquePointer, limit: Int) -> MHD_Result {
    context.isAnswered = true
    return queue(
        .serverError(413, code: "payload_too_large", message: "request body exceeds \(limit) bytes"),
        on: connection)
}

/// Copies `response` into a libmicrohttpd response and queues it on `connection`. A response libmicrohttpd refuses
/// (status outside 100...999, a header with a line break) is replaced by a `500`. Returns `MHD_NO`, which closes
/// the connection, only when libmicrohttpd refuses even that.
func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let fallback = HTTPResponse.serverError(
        500, code: "invalid_response", message: "the handler returned a response that cannot be sent")
    for candidate in [response, fallback] {
        guard let created = makeResponse(candidate) else { continue }
        defer { MHD_destroy_response(created) }
        return MHD_queue_response(connection, UInt32(candidate.status), created)
    }
    return .NO
}

/// A libmicrohttpd copy of `response` (the caller destroys it), or nil when libmicrohttpd refuses a part of it.
private func makeResponse(_ response: HTTPResponse) -> OpaquePointer? {
    guard (100...999).contains(response.status) else { return nil }
    let created = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let created else { return nil }
    // libmicrohttpd computes Content-Length itself and refuses one set by hand.
    for (name, value) in response.headers where name.lowercased() != "content-length" {
        guard MHD_add_response_header(created, name, value) == .YES else {
            MHD_destroy_response(created)
            return nil
        }
    }
    return created
}
