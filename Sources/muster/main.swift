import Foundation
import MusterCLI

let arguments = Array(CommandLine.arguments.dropFirst())
let runner = Runner(
    output: { print($0) },
    errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
do {
    let command = try CommandParser.parse(arguments)
    exit(await runner.run(command))
} catch {
    FileHandle.standardError.write(Data("muster: \(error)\n".utf8))
    exit(64)
}
