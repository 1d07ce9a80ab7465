import Analysis
import Foundation
import Model
import Testing
import TUI

/// `asrlens run`: `:` scripts through the explorer's reducer.
@Suite struct ScriptRunnerTests {
    static func runner() throws -> ScriptRunner {
        let loader = try TUISupport.loader.get()
        return ScriptRunner(engine: try loader.window(0).engine)
    }

    @Test func scriptPatchesAndExportsEveryViewNamingTheRun() throws {
        let runner = try Self.runner()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var script = "# a comment\r\n\r\n:patch enc.out@0:60=silence\r\n"
        for view in ExportView.allCases { for f in Table.Format.allCases { script += ":export \(view.rawValue) \(f.rawValue) \(dir.path)/\(view.rawValue).\(f.rawValue)\r\n" } }
        try runner.run(script, name: "test.script")
        #expect(runner.state.settings.patches.count == 1)
        for view in ExportView.allCases {
            for f in Table.Format.allCases {
                let text = try String(contentsOfFile: "\(dir.path)/\(view.rawValue).\(f.rawValue)", encoding: .utf8)
                switch f {
                case .json:
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    #expect(object?["run"] as? String == "patched (enc.out@0:60=silence)", "\(view) json")
                case .md: #expect(text.hasPrefix("Run: patched (enc.out@0:60=silence)\n"), "\(view) md")
                default: #expect(text.hasPrefix("# run: patched (enc.out@0:60=silence)\n"), "\(view) \(f)")
                }
            }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains { $0.hasPrefix(".") || $0.contains("\r") }, "no temporary files, no CR in names: \(names)")
    }

    @Test(arguments: [(":frobnicate", "unknown command"), (":patch enc.9.resid_post@all=zero", "layer 9 out of range"),
                      (":export nowhere text /tmp/x", "unknown view"), (":patch enc.out@0:60=clip:/nonexistent.wav", "no such file"),
                      ("patch", "not a command"), (":layer 99", "layer out of range"), (":export lens screen /tmp/x", "need the explorer")])
    func badLinesNameTheScriptLine(line: String, problem: String) throws {
        let error = #expect(throws: InputError.self) { try Self.runner().run("# ok\n\(line)\n", name: "s.txt") }
        #expect(error?.subject == "s.txt:2")
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func exportToAnUnwritablePathFailsWithTheReason() throws {
        let error = #expect(throws: InputError.self) { try Self.runner().execute(":export lens text /nonexistent-dir/lens.txt") }
        #expect(error?.problem.contains("cannot write: ") == true)
    }
}
