/** The shape of the @svg-maps packages (their own types name a package that is not published). */
export interface Location {
  id: string;
  name: string;
  path: string;
}
export interface Map {
  label: string;
  viewBox: string;
  locations: Location[];
}
