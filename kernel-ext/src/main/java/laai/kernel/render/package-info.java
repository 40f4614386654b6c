/** Renderers the kernel registers by default: Tablesaw tables as HTML, XChart charts as PNG/SVG. */
package laai.kernel.render;
