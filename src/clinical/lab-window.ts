// The least laboratory history the app's first screen reads, in months before today (read-window.ts widens it when
// the engine needs more). Its own module so that the app can start its reads before the engine has loaded.
export const LAB_WINDOW_MONTHS = 12;
