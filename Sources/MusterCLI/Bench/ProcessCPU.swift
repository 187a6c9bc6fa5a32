import Foundation

/// CPU time spent, in seconds: by this process, by the calling thread, or by another process (Linux `/proc`).
///
/// The intake bench divides it by the requests served. Unlike a rate, CPU per request hardly moves when
/// something else shares the machine, so two servers measured minutes apart stay comparable.
enum ProcessCPU {
    /// User and system time of this process, all threads.
    static func ofThisProcess() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// User and system time of the calling thread.
    static func ofThisThread() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// User and system time of process `id`, from fields 14 and 15 of `/proc/<id>/stat`; nil when unreadable.
    static func of(process id: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(id)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        // After the parenthesised command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func seconds(_ value: timeval) -> Double { Double(value.tv_sec) + Double(value.tv_usec) / 1e6 }
}
