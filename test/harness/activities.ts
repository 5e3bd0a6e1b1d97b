/** The tests build the same Teams-shaped activities the simulator posts. */
export * from "../../src/simulate/teamsActivities";
