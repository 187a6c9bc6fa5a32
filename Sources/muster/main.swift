import Foundation
import MusterCLI

let arguments = Array(CommandLine.arguments.dropFirst())
// Each line is written whole and at once, so a long bench shows its progress through a pipe too.
let runner = Runner(
    output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
    errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
do {
    let command = try CommandParser.parse(arguments)
    exit(await runner.run(command))
} catch {
    FileHandle.standardError.write(Data("muster: \(error)\n".utf8))
    exit(64)
}
