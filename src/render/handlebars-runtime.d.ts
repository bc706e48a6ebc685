// Handlebars declares its runtime as "handlebars/runtime"; an ES module must name the file
// (the package has no exports map), and that path has no declaration of its own.
declare module "handlebars/runtime.js" {
  import Handlebars = require("handlebars");
  export = Handlebars;
}
