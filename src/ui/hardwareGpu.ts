// Is there a real GPU for the automatic backend choice? Decides the default model: the reference MLP
// 784-1000-1000-10 where a GPU trains it, the fast 784-100-10 network where there is none (a software
// renderer such as SwiftShader counts as none). Reads the WebGL renderer string; no tfjs here.
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export function hasHardwareGpu(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !SOFTWARE.test(renderer);
  } catch {
    return false;
  }
}
