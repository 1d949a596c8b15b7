import Foundation

extension JobSupervisor {
    /// A job found at start that could not be recovered.
    public struct RecoveryProblem: Sendable, Equatable {
        public var jobId: String
        public var reason: String
    }

    /// Loads every stored job and puts it back where it was: running jobs resume from their cursor, paused stay
    /// paused, queued and scheduled keep their places, item locks are restored. A job whose files are unreadable
    /// is marked failed with the reason; the others carry on.
    public func recover() async -> [RecoveryProblem] {
        var problems: [RecoveryProblem] = []
        var intact: [(JobDefinition, JobCheckpoint)] = []
        for stored in await store.loadAll() {
            switch stored {
            case .intact(let definition, let checkpoint): intact.append((definition, checkpoint))
            case .corrupt(let jobId, let definition, let reason):
                log("job \(jobId): checkpoint unreadable, marking it failed: \(reason)")
                problems.append(RecoveryProblem(jobId: jobId, reason: reason))
                if let definition { adoptFailed(definition, reason: reason) }
            }
        }
        intact.sort { ($0.0.createdAt, $0.0.id) < ($1.0.createdAt, $1.0.id) }
        var toStart: [String] = []
        var toQueue: [String] = []
        for (definition, checkpoint) in intact {
            let state = checkpoint.state
            var ids: [String]?
            if !state.isTerminal {
                do {
                    ids = try await store.itemIds(jobId: definition.id)
                } catch {
                    log("job \(definition.id): item list unreadable, marking it failed: \(error)")
                    problems.append(RecoveryProblem(jobId: definition.id, reason: "\(error)"))
                    adoptFailed(definition, reason: "item list unreadable: \(error)", checkpoint: checkpoint)
                    continue
                }
            }
            adopt(definition, checkpoint: checkpoint, itemIds: ids)
            switch state {
            case .running:
                locks.restore(definition.id, items: ids ?? [])
                toStart.append(definition.id)
            case .pausing, .cancelling:
                locks.restore(definition.id, items: ids ?? [])
                // why: nothing is running after a restart, so the requested stop has already happened
                try? transition(definition.id, .stopped)
            case .paused:
                locks.restore(definition.id, items: ids ?? [])
            case .queued:
                // why: only after every holder's locks are back, or a queued job could take items a later
                // running or paused job holds
                toQueue.append(definition.id)
            case .scheduled:
                armSchedule(definition.id)
            default:
                break
            }
        }
        for id in toQueue { enqueue(id) }
        sortCreationOrder()
        for id in toStart { startRunner(id) }
        pump()
        return problems
    }

    /// Stops taking requests and stops every runner at its next chunk boundary, leaving the jobs' durable state
    /// as it was, so the next start resumes them.
    public func shutdown() async {
        let tasks = beginShutdown()
        for task in tasks { await task.value }
    }
}
