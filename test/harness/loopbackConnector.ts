/** The tests' Teams is the simulator's: one loopback Bot Connector. */
export { LoopbackConnector, type ReceivedRequest, type ScriptedFailure } from "../../src/simulate/loopbackTeams";
